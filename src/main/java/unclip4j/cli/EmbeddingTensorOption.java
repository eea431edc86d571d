package unclip4j.cli;

import picocli.CommandLine.Option;

/** {@code --tensor NAME}: which tensor of an {@code --embedding} file holds the embeddings (see {@link EmbeddingFile#read}). */
public final class EmbeddingTensorOption {
    @Option(names = "--tensor", paramLabel = "NAME",
            description = "The tensor to read from each --embedding file. Default: image_embedding, else img_feat, else the file's only tensor.")
    String name;
}
