package unclip4j.diffusion;

/**
 * Sees every reverse step of a sampling loop, for tracing, visualisation and progress display.
 * Tensors in the event belong to the loop: copy what you keep beyond the call.
 *
 * <p>Library API for researchers: the events carry everything a step computes (e.g. the network
 * output and the posterior mean), more than the built-in {@code TraceRecorder} reads.
 */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = e -> {};

    void onStep(StepEvent event);

    /** The unmixed halves of a guided prediction (prior, decoder); most listeners ignore them. */
    default void onGuidance(GuidanceEvent event) {}

    /**
     * Whether this listener wants {@link #onAttention} events. They cost an extra softmax per attention
     * block and step, so models compute them only when asked.
     */
    default boolean wantsAttention() {
        return false;
    }

    /** Attention weights of one layer of the prior or the decoder (see {@link AttentionEvent}). */
    default void onAttention(AttentionEvent event) {}

    default StepListener andThen(StepListener next) {
        StepListener first = this;
        return new StepListener() {
            @Override
            public void onStep(StepEvent e) {
                first.onStep(e);
                next.onStep(e);
            }

            @Override
            public void onGuidance(GuidanceEvent e) {
                first.onGuidance(e);
                next.onGuidance(e);
            }

            @Override
            public boolean wantsAttention() {
                return first.wantsAttention() || next.wantsAttention();
            }

            @Override
            public void onAttention(AttentionEvent e) {
                if (first.wantsAttention()) first.onAttention(e);
                if (next.wantsAttention()) next.onAttention(e);
            }
        };
    }
}
