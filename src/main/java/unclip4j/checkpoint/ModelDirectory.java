package unclip4j.checkpoint;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import unclip4j.config.ClipConfig;
import unclip4j.config.KarloYaml;
import unclip4j.config.PriorConfig;
import unclip4j.config.SrConfig;
import unclip4j.config.UNetConfig;

/**
 * A model on disk, in any of the three layouts, resolved to per-component weights under
 * <b>Karlo's own key names, with Karlo's prefixes kept</b>, plus each component's config:
 * <ul>
 *   <li>CLIP: OpenAI CLIP names, no prefix ({@code token_embedding.weight},
 *       {@code visual.transformer.resblocks.0.attn.in_proj_weight}, ...; the JIT file's 0-dim
 *       buffers {@code input_resolution}, {@code context_length}, {@code vocab_size} are kept
 *       when the file has them); config {@link ClipConfig} inferred from shapes as Karlo does;</li>
 *   <li>prior: {@code model.*} (the PriorTransformer), {@link PriorConfig};</li>
 *   <li>decoder: {@code model.*} (the PLMImUNet, including {@code model.cf_param}), {@link UNetConfig};</li>
 *   <li>SR: {@code model_first_steps.*} and {@code model_last_step.*}, {@link SrConfig};</li>
 *   <li>CLIP stats: {@link ClipStats}.</li>
 * </ul>
 * Model code therefore builds e.g. the decoder with {@code new Weights(dir.decoder().weights(), DType.F32).at("model")}.
 *
 * <p>Layouts: a Karlo directory (the five published files, or files matching {@code *.pt},
 * {@code *stats*.th}, {@code prior*.ckpt}, {@code decoder*.ckpt}, {@code *sr*.ckpt}; configs from
 * {@code prior.yaml}, {@code decoder.yaml}, {@code sr.yaml} (or Karlo's published config names)
 * when present, else Karlo v1.0 alpha's); a diffusers directory ({@code model_index.json}, keys
 * translated by {@link DiffusersKeys}); or our converted layout ({@link ConvertedLayout}).
 * Single files given as overrides ({@code --prior FILE}, ...) take precedence, with the YAML beside
 * them ({@link #configFile}). Components are resolved when first asked for, so an ambiguity in one
 * does not block the others.
 */
public final class ModelDirectory implements ModelSource {
    public enum Layout { KARLO, DIFFUSERS, CONVERTED }

    /** The five things a model is made of, with their command-line override option. */
    public enum Part {
        CLIP("--clip", "ViT-L-14.pt", "*.pt", null),
        CLIP_STATS("--clip-stats", "ViT-L-14_stats.th", "*stats*.th", null),
        PRIOR("--prior", "prior-ckpt-step=01000000-of-01000000.ckpt", "prior*.ckpt", List.of("prior.yaml", "prior_1B_vit_l.yaml")),
        DECODER("--decoder", "decoder-ckpt-step=01000000-of-01000000.ckpt", "decoder*.ckpt", List.of("decoder.yaml", "decoder_900M_vit_l.yaml")),
        SR("--sr", "improved-sr-ckpt-step=1.2M.ckpt", "*sr*.ckpt", List.of("sr.yaml", "improved_sr_64_256_1.4B.yaml"));

        public final String option;
        final String publishedName;
        final String glob;
        final List<String> configNames;

        /** The YAML names Karlo's config for this part is looked up under, beside the weights (none for CLIP). */
        public List<String> configNames() {
            return configNames == null ? List.of() : configNames;
        }

        Part(String option, String publishedName, String glob, List<String> configNames) {
            this.option = option;
            this.publishedName = publishedName;
            this.glob = glob;
            this.configNames = configNames;
        }
    }

    /** One component: where its weights came from, the weights (Karlo names), and its config. */
    public record Component<C>(String source, StateDict weights, C config) {}

    private final Path dir;
    private final Layout layout;
    private final Map<Part, Path> overrides;

    private ModelDirectory(Path dir, Layout layout, Map<Part, Path> overrides) {
        this.dir = dir;
        this.layout = layout;
        this.overrides = overrides;
    }

    public static ModelDirectory open(Path dir) {
        return open(dir, Map.of());
    }

    /** dir may be null when every component needed is given as an override file. */
    public static ModelDirectory open(Path dir, Map<Part, Path> overrides) {
        Map<Part, Path> o = new EnumMap<>(Part.class);
        o.putAll(overrides);
        for (Path p : o.values()) {
            RegularFile.require(p);
        }
        if (dir == null) return new ModelDirectory(null, Layout.KARLO, o);
        if (!Files.isDirectory(dir)) throw new CheckpointException(dir + ": not a directory (--model expects a model directory)");
        Layout layout = Files.isRegularFile(dir.resolve(ConvertedLayout.MARKER)) ? Layout.CONVERTED
                : Files.isRegularFile(dir.resolve("model_index.json")) ? Layout.DIFFUSERS : Layout.KARLO;
        if (layout == Layout.CONVERTED) ConvertedLayout.requireMarker(dir);
        if (layout == Layout.DIFFUSERS) DiffusersLayout.requireComponentFolders(dir);
        return new ModelDirectory(dir, layout, o);
    }

    public Layout layout() {
        return layout;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public Component<ClipConfig> clip() {
        StateDict sd = weights(Part.CLIP);
        return new Component<>(sd.source(), sd, ClipConfig.fromStateDict(sd));
    }

    @Override
    public ClipStats clipStats() {
        if (layout == Layout.DIFFUSERS && !overrides.containsKey(Part.CLIP_STATS)) return DiffusersLayout.clipStats(dir);
        return ClipStats.fromStateDict(weights(Part.CLIP_STATS));
    }

    @Override
    public Component<PriorConfig> prior() {
        StateDict sd = weights(Part.PRIOR);
        return new Component<>(sd.source(), sd, config(Part.PRIOR, KarloYaml::prior, PriorConfig.karloV1Alpha(),
                () -> DiffusersLayout.priorConfig(dir)));
    }

    @Override
    public Component<UNetConfig> decoder() {
        StateDict sd = weights(Part.DECODER);
        return new Component<>(sd.source(), sd, config(Part.DECODER, KarloYaml::decoder, UNetConfig.karloV1Alpha(),
                () -> DiffusersLayout.decoderConfig(dir)));
    }

    @Override
    public Component<SrConfig> sr() {
        StateDict sd = weights(Part.SR);
        return new Component<>(sd.source(), sd, config(Part.SR, KarloYaml::sr, SrConfig.karloV1Alpha(),
                () -> DiffusersLayout.srConfig(dir)));
    }

    /** The weights of one part, under Karlo names. */
    public StateDict weights(Part part) {
        Path override = overrides.get(part);
        if (override != null) return Checkpoints.read(override);
        requireDir(part);
        return switch (layout) {
            case CONVERTED -> SafetensorsFile.open(ConvertedLayout.weightsFile(dir, part)).tensors();
            case DIFFUSERS -> DiffusersLayout.weights(dir, part);
            case KARLO -> Checkpoints.read(karloFile(part));
        };
    }

    /**
     * The files a part is read from, for run manifests: the override file, else the Karlo file,
     * converted safetensors or every file of a diffusers directory; plus the YAML config it uses
     * ({@link #configFile}), so a rerun notices a changed config.
     */
    public List<Path> files(Part part) {
        List<Path> files = new ArrayList<>();
        Path override = overrides.get(part);
        if (override != null) {
            files.add(override);
        } else {
            requireDir(part);
            switch (layout) {
                case CONVERTED -> files.add(ConvertedLayout.weightsFile(dir, part));
                case KARLO -> files.add(karloFile(part));
                case DIFFUSERS -> {
                    try (Stream<Path> s = Files.walk(dir)) {
                        s.filter(Files::isRegularFile).sorted().forEach(files::add);
                    } catch (IOException e) {
                        throw new CheckpointException(dir + ": cannot list (" + e.getMessage() + ")");
                    }
                }
            }
        }
        configFile(part).ifPresent(files::add);
        return files;
    }

    /**
     * The Karlo YAML a part's config is read from. A part given as its own file takes the YAML beside
     * that file first (a checkpoint is kept with its config; inspect reads it there too), then the
     * model directory's. Empty where there is none to read: CLIP (configured by its shapes), a
     * diffusers model's own parts (their config.json), a Karlo folder without one (Karlo v1.0 alpha's
     * preset).
     */
    public Optional<Path> configFile(Part part) {
        if (part.configNames == null) return Optional.empty();
        Path override = overrides.get(part);
        if (override == null && layout == Layout.CONVERTED) {
            Path yaml = ConvertedLayout.configFile(dir, part);
            String problem = RegularFile.problem(yaml);
            if (problem != null) {
                throw new CheckpointException(yaml + ": " + problem + " (a converted model has prior.yaml, decoder.yaml and sr.yaml "
                        + "beside their weights); convert the model again");
            }
            return Optional.of(yaml);
        }
        if (override == null && layout == Layout.DIFFUSERS) return Optional.empty();
        List<Path> candidates = new ArrayList<>();
        if (override != null) part.configNames.forEach(name -> candidates.add(override.resolveSibling(name)));
        if (dir != null) part.configNames.forEach(name -> candidates.add(dir.resolve(name)));
        return presentConfig(candidates);
    }

    /**
     * The first of candidates that is present, even as a dangling link or a folder, which is then refused for what
     * it is: a broken config must not be passed over for another one (or the built-in settings) that may also fit.
     */
    public static Optional<Path> presentConfig(List<Path> candidates) {
        Optional<Path> first = candidates.stream().filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).findFirst();
        first.ifPresent(RegularFile::require);
        return first;
    }

    /** The Karlo file a part resolves to (the override, else the directory's match). */
    public Path karloFile(Part part) {
        Path override = overrides.get(part);
        if (override != null) return override;
        requireDir(part);
        Path published = dir.resolve(part.publishedName);
        if (Files.isRegularFile(published)) return published;
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + part.glob);
        List<Path> matching;
        try (Stream<Path> s = Files.list(dir)) {
            matching = s.filter(p -> m.matches(p.getFileName())).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        List<Path> found = matching.stream().filter(Files::isRegularFile).toList();
        if (found.isEmpty() && !matching.isEmpty()) {
            // the name is there but no file behind it (a dangling link, most often): that one was meant
            Path meant = matching.getFirst();
            throw new CheckpointException(meant + ": " + RegularFile.problem(meant) + "; fix it, or give the file with " + part.option);
        }
        if (found.isEmpty()) {
            throw new CheckpointException(dir + ": no " + part.publishedName + " (nor any " + part.glob + "); give the file with " + part.option);
        }
        if (found.size() > 1) {
            throw new CheckpointException(dir + ": " + found.size() + " files match " + part.glob + " ("
                    + String.join(", ", found.stream().map(p -> p.getFileName().toString()).toList()) + "); choose one with " + part.option);
        }
        return found.getFirst();
    }

    private void requireDir(Part part) {
        if (dir == null) throw new CheckpointException("no model directory (--model) and no " + part.option + " file given");
    }

    private <C> C config(Part part, Function<Path, C> yaml, C builtIn, Supplier<C> diffusers) {
        if (layout == Layout.DIFFUSERS && !overrides.containsKey(part)) return diffusers.get();
        return configFile(part).map(yaml).orElse(builtIn);
    }
}
