package unclip4j.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;
import unclip4j.backend.Backend;
import unclip4j.tensor.Tensor;

/**
 * Test adapters that let one op-test body run on any backend. {@link #of} downloads every tensor an
 * op returns, so assertions read host memory whether the op ran on the CPU or a device (inputs stay
 * host tensors: every backend uploads what it is given). {@link #unavailable} stands for a backend
 * this machine lacks: a test class extended with {@link SkipUnavailable} skips every invocation that
 * gets one, with the reason, before its body runs. Both ignore close(): JUnit closes parameters, and
 * the backend behind them belongs to the test class.
 */
public final class HostResults {
    private HostResults() {}

    public static Backend of(Backend inner) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString" -> { return inner.name(); }
                case "close" -> { return null; }
                default -> { }
            }
            try {
                Object out = method.invoke(inner, args);
                return out instanceof Tensor t && !method.getName().equals("upload") ? inner.download(t) : out;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    public static Backend unavailable(String name, String reason) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, new Unavailable(name, reason));
    }

    /** The handler of an unavailable backend: names it, refuses every op. */
    private record Unavailable(String name, String reason) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "toString", "name" -> name + " (unavailable: " + reason + ")";
                case "close" -> null;
                default -> throw new TestAbortedException(name + ": " + reason);
            };
        }
    }

    /** Skips, with the backend's reason, a parameterized invocation that received an unavailable backend. */
    public static final class SkipUnavailable implements InvocationInterceptor {
        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                                ExtensionContext context) throws Throwable {
            for (Object a : call.getArguments()) {
                if (a != null && Proxy.isProxyClass(a.getClass()) && Proxy.getInvocationHandler(a) instanceof Unavailable u) {
                    invocation.skip();
                    throw new TestAbortedException(u.name() + " unavailable: " + u.reason());
                }
            }
            invocation.proceed();
        }
    }
}
