package unclip4j.model.unet;

import java.util.List;
import unclip4j.model.AttentionProbe;
import unclip4j.tensor.Tensor;
import unclip4j.tensor.TensorScope;

/**
 * One entry of {@code input_blocks}, {@code middle_block} or {@code output_blocks}: karlo/modules/unet.py
 * {@code TimestepEmbedSequential}, which applies its children in order and routes the timestep
 * embedding to ResBlocks and the encoder tokens and mask to AttentionBlocks. Child i has key prefix {@code .i}.
 */
final class TimestepEmbedSequential {
    /** A child of a TimestepEmbedSequential. */
    sealed interface Layer permits ResBlock, AttentionBlock {}

    private final List<Layer> layers;

    TimestepEmbedSequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    /**
     * encoderOut and mask are null in a U-Net without attention (the SR); probe may be null (see
     * {@link AttentionBlock#forward}). Each layer runs in its own
     * {@link TensorScope}, and the entry in one around them, so intermediates are freed as their layer
     * returns and layer outputs as the entry returns: a network evaluation holds the entries' outputs
     * (the skips) rather than everything it computed.
     */
    Tensor forward(Tensor h, Tensor emb, Tensor encoderOut, Tensor mask, AttentionProbe probe) {
        try (TensorScope entry = TensorScope.open()) {
            for (Layer layer : layers) {
                try (TensorScope scope = TensorScope.open()) {
                    h = scope.keep(switch (layer) {
                        case ResBlock r -> r.forward(h, emb);
                        case AttentionBlock a -> a.forward(h, encoderOut, mask, probe);
                    });
                }
            }
            return entry.keep(h);
        }
    }
}
