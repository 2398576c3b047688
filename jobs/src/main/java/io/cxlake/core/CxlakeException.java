package io.cxlake.core;

/** A failure with a one-line cause for the operator and the process exit code to use. */
public class CxlakeException extends RuntimeException {
  private final int exitCode;

  public CxlakeException(String message) {
    this(message, 1, null);
  }

  public CxlakeException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
