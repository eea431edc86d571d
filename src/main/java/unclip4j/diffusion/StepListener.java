package unclip4j.diffusion;

/**
 * Sees every reverse step of a sampling loop, for tracing, visualisation and progress display.
 * Tensors in the event belong to the loop: copy what you keep beyond the call.
 */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = e -> {};

    void onStep(StepEvent event);

    default StepListener andThen(StepListener next) {
        return e -> {
            onStep(e);
            next.onStep(e);
        };
    }
}
