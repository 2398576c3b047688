package io.cxlake;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What code under test prints: System.out and System.err go to buffers while it runs. */
public final class Console {
  private Console() {}

  /** Standard output and standard error, as printed. */
  public record Printed(String out, String err) {}

  /** Code that may throw, as a test body does. */
  public interface Body {
    void run() throws Exception;
  }

  public static Printed capture(Body body) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Printed(o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
