package unclip4j.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import unclip4j.backend.Backend;
import unclip4j.backend.cpu.CpuBackend;
import unclip4j.tensor.Device;
import unclip4j.tensor.HostStorage;
import unclip4j.tensor.Storage;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * The CPU backend with its tensors held in a storage that the rest of the code must treat as device
 * memory: reading one on the host ({@code getLong}, {@code toFloatArray}, ...) throws, exactly as it
 * would with the CUDA backend, while upload and download copy. Pipelines that pass with it never read
 * device tensors on the host, which a machine without a GPU can check; the numbers are the CPU's, bit
 * for bit.
 */
public final class DeviceLikeBackend {
    /** Host memory that does not say so: {@link Tensor}'s host accessors refuse it. */
    record DeviceLikeStorage(HostStorage host) implements TensorScope.HostBacked {
        @Override
        public Device device() {
            return Device.CUDA;
        }

        @Override
        public Storage rehost(HostStorage moved) {
            return new DeviceLikeStorage(moved);
        }

        @Override
        public long byteSize() {
            return host.byteSize();
        }
    }

    private DeviceLikeBackend() {}

    public static Backend create() {
        CpuBackend cpu = new CpuBackend();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "name" -> { return "device-like " + cpu.name(); }
                case "device" -> { return Device.CUDA; }
                case "upload" -> {
                    Tensor t = (Tensor) args[0];
                    return isDeviceLike(t) ? t : wrap(t.copy()); // a device has its own copy
                }
                case "download" -> {
                    Tensor t = (Tensor) args[0];
                    return isDeviceLike(t) ? unwrap(t).copy() : t;
                }
                default -> { }
            }
            Object[] plain = args == null ? null : args.clone();
            if (plain != null) {
                for (int i = 0; i < plain.length; i++) {
                    if (plain[i] instanceof Tensor t) plain[i] = unwrap(t);
                    else if (plain[i] instanceof Tensor[] ts) {
                        Tensor[] u = new Tensor[ts.length];
                        for (int j = 0; j < ts.length; j++) u[j] = unwrap(ts[j]);
                        plain[i] = u;
                    }
                }
            }
            try {
                Object out = method.invoke(cpu, plain);
                return out instanceof Tensor t ? wrap(t) : out;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static boolean isDeviceLike(Tensor t) {
        return t.storage() instanceof DeviceLikeStorage;
    }

    private static Tensor wrap(Tensor t) {
        if (isDeviceLike(t)) return t;
        return new Tensor(new DeviceLikeStorage((HostStorage) t.storage()), t.dtype(), t.offset(), t.shape(), t.strides());
    }

    private static Tensor unwrap(Tensor t) {
        if (t == null || !(t.storage() instanceof DeviceLikeStorage d)) return t;
        return new Tensor(d.host(), t.dtype(), t.offset(), t.shape(), t.strides());
    }
}
