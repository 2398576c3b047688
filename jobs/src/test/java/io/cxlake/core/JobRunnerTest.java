package io.cxlake.core;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.cli.TestAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** A failing stage stops its dependents: they are reported as skipped, the run exits non-zero. */
class JobRunnerTest {
  private static final String P = "jr";

  private static Stage stage(String name, List<String> ran, boolean fail) {
    return new Stage() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StageResult run(JobContext ctx) {
        ran.add(name);
        if (fail) {
          throw new CxlakeException("input table " + name + "_in is missing");
        }
        return new StageResult(3, 2, Map.of(), List.of());
      }
    };
  }

  @Test
  void aFailureSkipsTheStagesAfterItAndNamesTheStage() {
    TestSpark.dropDatabases(P);
    JobContext ctx = TestSpark.context(P, TestSpark.repoRoot().resolve("conf/sources.yaml"), null);
    List<String> ran = new ArrayList<>();
    List<JobRunner.StageOutcome> out = JobRunner.run(ctx,
        List.of(stage("first", ran, false), stage("second", ran, true), stage("third", ran, false), stage("fourth", ran, false)));
    assertEquals(List.of("first", "second"), ran);
    assertEquals(List.of("success", "failed", "skipped", "skipped"), out.stream().map(JobRunner.StageOutcome::status).toList());
    assertEquals("input table second_in is missing", out.get(1).error());

    PrintStream stdout = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = TestAccess.summarize(out);
    } finally {
      System.setOut(stdout);
    }
    String summary = buf.toString(StandardCharsets.UTF_8);
    assertEquals(1, code);
    assertTrue(summary.matches("(?s).*third\\s+skipped.*not run: second failed.*"), summary);
    assertTrue(summary.matches("(?s).*second\\s+failed.*input table second_in is missing.*"), summary);

    // The run log has the stages that ran, under one run id; skipped stages are not logged.
    List<Row> log = TestSpark.session().sql("SELECT job, status, rows_out FROM " + P + "_ops.pipeline_run WHERE run_id = '"
        + ctx.runId() + "' ORDER BY started_at").collectAsList();
    assertEquals(2, log.size(), log.toString());
    assertEquals("first", log.get(0).getString(0));
    assertEquals(2L, log.get(0).getLong(2));
    assertEquals("failed", log.get(1).getString(1));
  }
}
