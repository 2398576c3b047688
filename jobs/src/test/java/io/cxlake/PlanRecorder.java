package io.cxlake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;

/**
 * Records the single-task nodes ({@link PlanCheck#singleTaskNodes}) of every SQL execution of
 * the test JVM's session, by the stage that ran it: the Spark job group JobRunner sets
 * ("cxlake:STAGE"), or "(no stage)" for a test's own queries. Registered by {@link TestSpark}.
 */
public final class PlanRecorder extends SparkListener {
  static final PlanRecorder INSTANCE = new PlanRecorder();

  private final Map<Long, String> stageOfExecution = new ConcurrentHashMap<>();
  /** Per stage: the number of executions checked. */
  private final Map<String, Integer> checked = new LinkedHashMap<>();
  /** Per stage: the number of window operators in them (so a check that found nothing had something to look at). */
  private final Map<String, Long> windows = new LinkedHashMap<>();
  /** Per stage: its offenders, each once. */
  private final Map<String, List<String>> offenders = new LinkedHashMap<>();

  private PlanRecorder() {}

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerSQLExecutionStart start) {
      String group = start.jobGroupId().isDefined() ? start.jobGroupId().get() : "";
      stageOfExecution.put(start.executionId(), group.startsWith("cxlake:") ? group.substring(7) : "(no stage)");
    } else if (event instanceof SparkListenerSQLExecutionEnd end) {
      String stage = stageOfExecution.remove(end.executionId());
      // a failed execution (a test's deliberately bad query) may have no executed plan to read
      if (stage != null && end.qe() != null && end.executionFailure().isEmpty()) {
        SparkPlan plan = end.qe().executedPlan();
        record(stage, PlanCheck.singleTaskNodes(plan), PlanCheck.windows(plan));
      }
    }
  }

  private synchronized void record(String stage, List<String> found, long windowCount) {
    checked.merge(stage, 1, Integer::sum);
    windows.merge(stage, windowCount, Long::sum);
    List<String> known = offenders.computeIfAbsent(stage, s -> new ArrayList<>());
    found.stream().filter(f -> !known.contains(f)).forEach(known::add);
  }

  /** Executions checked so far, by stage (after the listener bus has caught up). */
  public static Map<String, Integer> checked(SparkSession spark) {
    caughtUp(spark);
    synchronized (INSTANCE) {
      return new LinkedHashMap<>(INSTANCE.checked);
    }
  }

  /** Window operators in the executions checked so far, by stage. */
  public static Map<String, Long> windows(SparkSession spark) {
    caughtUp(spark);
    synchronized (INSTANCE) {
      return new LinkedHashMap<>(INSTANCE.windows);
    }
  }

  /** Single-task nodes found so far, by stage. */
  public static Map<String, List<String>> offenders(SparkSession spark) {
    caughtUp(spark);
    synchronized (INSTANCE) {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      INSTANCE.offenders.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return copy;
    }
  }

  private static void caughtUp(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the listener bus did not catch up", e);
    }
  }
}
