package unclip4j.trace;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import unclip4j.image.OutputImages;
import unclip4j.io.AtomicFile;
import unclip4j.io.NotADirectory;

/** Pictures of tensors, nearest-neighbour upscaling, and PNG / animated GIF files. */
public final class ImageWriters {
    /** Tiles smaller than this (the tiny model's 16 px decoder) are upscaled to stay visible. */
    private static final int MIN_SIDE = 64;

    private ImageWriters() {}

    /** A {@code [3, H, W]} array (channel-major) with values in [-1, 1] as an RGB picture. */
    public static BufferedImage rgb(float[] chw, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                img.setRGB(x, y, (byte8(chw[p]) << 16) | (byte8(chw[plane + p]) << 8) | byte8(chw[2 * plane + p]));
            }
        }
        return img;
    }

    /** As {@link #rgb}, each value divided by the largest magnitude first, so that sign and shape show whatever the scale. */
    public static BufferedImage rgbNormalized(float[] chw, int h, int w) {
        return rgb(scaled(chw), h, w);
    }

    /**
     * A vector as a near-square tile (row-major, unused cells grey), blue for negative and red for
     * positive values, white at 0, scaled by the largest magnitude.
     */
    public static BufferedImage vector(float[] v) {
        int side = (int) Math.ceil(Math.sqrt(v.length));
        int rows = (v.length + side - 1) / side;
        float[] s = scaled(v);
        BufferedImage img = new BufferedImage(side, rows, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < side * rows; i++) {
            int rgb = 0x808080;
            if (i < s.length) {
                int fade = 255 - Math.round(255 * Math.min(1f, Math.abs(s[i])));
                rgb = s[i] >= 0 ? (255 << 16) | (fade << 8) | fade : (fade << 16) | (fade << 8) | 255;
            }
            img.setRGB(i % side, i / side, rgb);
        }
        return img;
    }

    /** Upscales by the smallest integer factor that makes the shorter side at least {@link #MIN_SIDE} (nearest neighbour). */
    public static BufferedImage visible(BufferedImage img) {
        int factor = Math.max(1, (MIN_SIDE + Math.min(img.getWidth(), img.getHeight()) - 1) / Math.min(img.getWidth(), img.getHeight()));
        if (factor == 1) return img;
        BufferedImage out = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, img.getRGB(x / factor, y / factor));
        }
        return out;
    }

    /** Images side by side, separated by a thin white gap. */
    public static BufferedImage sideBySide(BufferedImage... images) {
        int gap = 2, w = -gap, h = 0;
        for (BufferedImage i : images) {
            w += i.getWidth() + gap;
            h = Math.max(h, i.getHeight());
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, x, 0, null);
            x += i.getWidth() + gap;
        }
        g.dispose();
        return out;
    }

    /** Writes a PNG atomically (a temporary file moved into place), creating the directory. */
    public static Path writePng(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFile.write(file, OutputImages.png(img));
            return file;
        } catch (FileAlreadyExistsException e) {
            // createDirectories met a file where a folder of the path belongs
            throw new UncheckedIOException("cannot write " + file + ": " + NotADirectory.why(Path.of(e.getFile())), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** An animated GIF that loops forever, each frame shown for delayMillis. */
    public static Path writeGif(List<BufferedImage> frames, int delayMillis, Path file) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // encoded first, so the file appears whole (AtomicFile)
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) { // not ImageIO's cache file in java.io.tmpdir (OutputImages.png)
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                animate(meta, delayMillis);
                writer.writeToSequence(new IIOImage(frame, null, meta), param);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + file + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        try {
            AtomicFile.write(file, bytes.toByteArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Frame delay, and the NETSCAPE2.0 application extension that makes viewers loop (count 0 = forever). */
    private static void animate(IIOMetadata meta, int delayMillis) throws IOException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delayMillis / 10));
        control.setAttribute("transparentColorIndex", "0");
        IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
        app.setAttribute("applicationID", "NETSCAPE");
        app.setAttribute("authenticationCode", "2.0");
        app.setUserObject(new byte[] {1, 0, 0});
        child(root, "ApplicationExtensions").appendChild(app);
        meta.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    private static float[] scaled(float[] v) {
        float max = 0;
        for (float x : v) max = Math.max(max, Math.abs(x));
        float[] out = new float[v.length];
        if (max == 0 || !Float.isFinite(max)) return out;
        for (int i = 0; i < v.length; i++) out[i] = v[i] / max;
        return out;
    }

    /** [-1, 1] → 0..255. */
    private static int byte8(float v) {
        if (Float.isNaN(v)) return 0;
        return Math.round(Math.max(0f, Math.min(1f, v * 0.5f + 0.5f)) * 255f);
    }
}
