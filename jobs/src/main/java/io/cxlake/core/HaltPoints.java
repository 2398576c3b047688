package io.cxlake.core;

/**
 * Named points in a run where a test can stop the process and kill it (SPEC §11: a run killed
 * mid-way heals on the next run). With the environment variable {@value #ENV} set to a point's
 * name, the run prints {@code cxlake: halted at NAME} on stderr when it gets there and waits to
 * be killed; without it every point is a no-op. Points are named after the commit they
 * surround: {@code before-commit:gold.churn_score}, {@code after-commit:bronze.orders}.
 */
public final class HaltPoints {
  public static final String ENV = "CXLAKE_TEST_HALT_AT";
  private static final String AT = System.getenv(ENV);

  private HaltPoints() {}

  public static void beforeCommit(String table) {
    reached("before-commit:" + table);
  }

  public static void afterCommit(String table) {
    reached("after-commit:" + table);
  }

  private static void reached(String point) {
    if (AT == null || !AT.equals(point)) {
      return;
    }
    System.err.println("cxlake: halted at " + point + " (" + ENV + "); waiting to be killed");
    System.err.flush();
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // only a kill ends the wait
      }
    }
  }
}
