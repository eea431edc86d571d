package unclip4j.cli.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Tensor;

/**
 * Wall time per backend op family, for finding where a stage spends its time: {@link #wrap} returns
 * a backend that forwards every call and adds its duration under the method's name (conv2d split by
 * kernel size and, on the CPU, algorithm). Calls the wrapped backend makes to itself are not seen, so nothing is counted twice.
 */
final class OpProfile {
    private record Total(long nanos, long calls) {}

    private final Map<String, Total> totals = new LinkedHashMap<>();

    Backend wrap(Backend backend) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            long t0 = System.nanoTime();
            try {
                Object result = method.invoke(backend, args);
                add(family(backend, method.getName(), args), System.nanoTime() - t0);
                return result;
            } catch (InvocationTargetException e) {
                add(method.getName(), System.nanoTime() - t0);
                throw e.getCause();
            }
        });
    }

    private void add(String name, long nanos) {
        totals.merge(name, new Total(nanos, 1), (a, b) -> new Total(a.nanos + b.nanos, a.calls + b.calls));
    }

    /** The method's name; conv2d also by kernel size and, on the CPU, algorithm (only for calls that succeeded). */
    private static String family(Backend backend, String name, Object[] args) {
        if (!name.equals("conv2d")) return name;
        Tensor w = (Tensor) args[1];
        return name + " " + w.size(2) + "x" + w.size(3) + algorithm(backend, args);
    }

    /** On the CPU, which conv algorithm ran (a suffix such as " winograd_f4"); nothing elsewhere. */
    private static String algorithm(Backend backend, Object[] args) {
        return backend instanceof CpuBackend cpu
                ? " " + cpu.conv2dAlgorithm((Tensor) args[0], (Tensor) args[1], (Integer) args[3], (Integer) args[4]) : "";
    }

    void reset() {
        totals.clear();
    }

    /** Op families by descending time, with their share of the total. */
    void print(PrintWriter out) {
        double all = totals.values().stream().mapToLong(Total::nanos).sum();
        totals.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, Total> e) -> e.getValue().nanos()).reversed())
                .forEach(e -> out.printf(Locale.ROOT, "  %-22s %9.3f s %5.1f %%  %7d calls%n", e.getKey(), e.getValue().nanos() * 1e-9,
                        100 * e.getValue().nanos() / all, e.getValue().calls()));
    }
}
