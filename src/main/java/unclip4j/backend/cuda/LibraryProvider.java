package unclip4j.backend.cuda;

/** An optional vendor library (cuBLAS, cuDNN): the file that would be used, or why none. */
public record LibraryProvider(String library, String reason) {}
