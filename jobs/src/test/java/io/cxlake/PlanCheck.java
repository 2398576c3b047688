package io.cxlake;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.LocalLimitExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.window.WindowExec;
import org.apache.spark.sql.execution.window.WindowGroupLimitExec;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Checks of a physical plan for work that would run in one task at any scale: a window without
 * a partition column, or a shuffle into a single partition, whose input still has one row per
 * customer, order, line, response, event or text (it carries one of their key columns).
 */
public final class PlanCheck {
  private PlanCheck() {}

  /** Key columns of the tables whose row count grows with customers, orders, responses or events. */
  public static final Set<String> GRAIN_COLUMNS = Set.of("customer_key", "customer_id", "_customer_id",
      "_cxlake_customer_key", "order_id", "line_id", "response_id", "event_id", "session_id", "subscription_id",
      "renewal_id", "interaction_id", "review_id", "text_id");

  /**
   * The windows without partition whose input carries {@code keyColumn}, i.e. that would sort
   * every row of that grain in one task; each described by its plan line. Empty is good.
   */
  public static List<String> unpartitionedWindowsOver(Dataset<?> ds, String keyColumn) {
    return singleTaskNodes(ds.queryExecution().sparkPlan(), Set.of(keyColumn)).stream()
        .filter(s -> s.startsWith("window")).toList();
  }

  /**
   * Every single-task node of an executed plan over rows of a growing grain, described as
   * "window without partition over [key]: plan line" or "single-partition exchange of [key]:
   * plan line". Adaptive plans are read in their final form; cached relations and subqueries
   * are included. A single-partition exchange right after a limit is bounded and not reported.
   */
  public static List<String> singleTaskNodes(SparkPlan plan) {
    return singleTaskNodes(plan, GRAIN_COLUMNS);
  }

  /** The number of window operators in an executed plan (partitioned or not), read as above. */
  public static int windows(SparkPlan plan) {
    List<String> all = new ArrayList<>();
    walk(plan, null, all);
    return all.size();
  }

  private static List<String> singleTaskNodes(SparkPlan plan, Set<String> keys) {
    List<String> out = new ArrayList<>();
    walk(plan, keys, out);
    return out;
  }

  /** Collects single-task nodes over {@code keys}; with {@code keys} null, every window instead. */
  private static void walk(SparkPlan plan, Set<String> keys, List<String> out) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      walk(adaptive.executedPlan(), keys, out);
      return;
    }
    if (plan instanceof QueryStageExec stage) {
      walk(stage.plan(), keys, out);
      return;
    }
    if (plan instanceof InMemoryTableScanExec cached) {
      walk(cached.relation().cachedPlan(), keys, out);
    }
    Seq<Expression> partitionSpec = plan instanceof WindowExec w ? w.partitionSpec()
        : plan instanceof WindowGroupLimitExec l ? l.partitionSpec() : null;
    if (keys == null) {
      if (partitionSpec != null) {
        out.add(plan.nodeName());
      }
    } else if (partitionSpec != null && partitionSpec.isEmpty()) {
      report("window without partition", plan, keys, out);
    }
    // SinglePartition or repartition(1); a hash exchange has the session's shuffle partitions (2 in the tests)
    if (keys != null && plan instanceof ShuffleExchangeExec shuffle && shuffle.outputPartitioning().numPartitions() == 1
        && !(shuffle.child() instanceof LocalLimitExec)) {
      report("single-partition exchange", plan, keys, out);
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      walk(child, keys, out);
    }
    for (SparkPlan sub : CollectionConverters.asJava(plan.subqueries())) {
      walk(sub, keys, out);
    }
  }

  private static void report(String what, SparkPlan node, Set<String> keys, List<String> out) {
    List<String> carried = CollectionConverters.asJava(node.children().head().output()).stream()
        .map(Attribute::name).filter(keys::contains).distinct().toList();
    if (!carried.isEmpty()) {
      // without expression ids and plan ids, so the same node found in two executions reads the same
      out.add(what + " over " + carried + ": "
          + node.simpleString(300).replaceAll("#\\d+L?", "").replaceAll(",? ?\\[plan_id=\\d+\\]", ""));
    }
  }
}
