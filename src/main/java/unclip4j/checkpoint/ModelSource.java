package unclip4j.checkpoint;

import unclip4j.config.ClipConfig;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

/**
 * Where a model's components come from, each as weights under Karlo's key names plus its config:
 * a {@link ModelDirectory} on disk, or a {@link RandomModel} made up from configs alone.
 */
public interface ModelSource {
    ModelDirectory.Component<ClipConfig> clip();

    ClipStats clipStats();

    ModelDirectory.Component<PriorConfig> prior();

    ModelDirectory.Component<UNetConfig> decoder();

    ModelDirectory.Component<SrConfig> sr();
}
