package io.cxlake;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.pipeline.Modules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * No stage does work over a growing table in one task: every SQL execution of the stages run
 * in this test JVM (the recovery tests and GoldPipelineIT on the shared generated lakehouse, the
 * example and S3 tests on theirs) has been recorded by {@link PlanRecorder}; a stage none of
 * them ran is run here on the shared lakehouse. A window without partition or a
 * single-partition exchange whose input carries a customer, order, line, response, event or
 * text key fails the test, unless it is in the short allow-list below with its reason.
 */
@Order(Integer.MAX_VALUE)
class PlanCheckIT {
  /** A single-task node that is bounded whatever the data: the stage, a fragment of its plan line, why. */
  private record Allowed(String stage, String fragment, String reason) {}

  private static final List<Allowed> ALLOWED = List.of();

  @Test
  void noStageSortsOrGathersAGrowingTableInOneTask() throws Exception {
    GeneratedLakehouse lake = GeneratedLakehouse.get();
    SparkSession spark = TestSpark.session();
    List<String> stages = Modules.registry().names();
    List<String> notRun = stages.stream().filter(s -> !PlanRecorder.checked(spark).containsKey(s)).toList();
    if (!notRun.isEmpty()) {
      lake.run(TestSpark.plan(notRun.toArray(String[]::new)));
    }
    Map<String, Integer> checked = PlanRecorder.checked(spark);
    for (String stage : stages) {
      assertTrue(checked.getOrDefault(stage, 0) > 0, stage + " ran no query: " + checked);
    }
    List<String> offenders = new ArrayList<>();
    PlanRecorder.offenders(spark).forEach((stage, nodes) -> {
      if (stages.contains(stage)) {
        nodes.stream().filter(n -> ALLOWED.stream().noneMatch(a -> a.stage().equals(stage) && n.contains(a.fragment())))
            .forEach(n -> offenders.add(stage + ": " + n));
      }
    });
    Map<String, Long> windows = PlanRecorder.windows(spark);
    System.err.println("plan check: executions per stage " + checked + "; window operators in them " + windows);
    // the check saw the windows of the stages known to use them (deduplication, order sequences, per-customer state)
    for (String stage : List.of("curate", "metrics", "segment", "churn", "survival", "voice")) {
      assertTrue(windows.getOrDefault(stage, 0L) > 0, stage + ": no window seen in " + windows);
    }
    assertEquals(List.of(), offenders, "single-task nodes over growing tables (executions checked per stage: " + checked
        + "):\n" + String.join("\n", offenders));
    assertTrue(ALLOWED.size() <= 5, "the allow-list is for a handful of bounded cases");
  }
}
