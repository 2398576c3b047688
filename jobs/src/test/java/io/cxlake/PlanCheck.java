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
   * "window without partition over [key]: plan line" or "single-partition exchange over [key]:
   * plan line". A single-partition exchange right after a limit is bounded and not reported.
   */
  public static List<String> singleTaskNodes(SparkPlan plan) {
    return singleTaskNodes(plan, GRAIN_COLUMNS);
  }

  /** The number of window operators in an executed plan, partitioned or not. */
  public static long windows(SparkPlan plan) {
    return nodes(plan).stream().filter(n -> partitionSpec(n) != null).count();
  }

  private static List<String> singleTaskNodes(SparkPlan plan, Set<String> keys) {
    List<String> out = new ArrayList<>();
    for (SparkPlan node : nodes(plan)) {
      Seq<Expression> partitionSpec = partitionSpec(node);
      if (partitionSpec != null && partitionSpec.isEmpty()) {
        report("window without partition", node, keys, out);
      }
      // SinglePartition or repartition(1); a hash exchange has the session's shuffle partitions (2 in the tests)
      if (node instanceof ShuffleExchangeExec shuffle && shuffle.outputPartitioning().numPartitions() == 1
          && !(shuffle.child() instanceof LocalLimitExec)) {
        report("single-partition exchange", node, keys, out);
      }
    }
    return out;
  }

  /** A window operator's partition columns; null for any other node. */
  private static Seq<Expression> partitionSpec(SparkPlan node) {
    return node instanceof WindowExec w ? w.partitionSpec()
        : node instanceof WindowGroupLimitExec l ? l.partitionSpec() : null;
  }

  /**
   * The nodes of a plan, parents first: adaptive plans in their final form, with the plans of
   * cached relations and of subqueries.
   */
  static List<SparkPlan> nodes(SparkPlan plan) {
    List<SparkPlan> out = new ArrayList<>();
    collect(plan, out);
    return out;
  }

  private static void collect(SparkPlan plan, List<SparkPlan> out) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), out);
      return;
    }
    if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), out);
      return;
    }
    if (plan instanceof InMemoryTableScanExec cached) {
      collect(cached.relation().cachedPlan(), out);
    }
    out.add(plan);
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      collect(child, out);
    }
    for (SparkPlan sub : CollectionConverters.asJava(plan.subqueries())) {
      collect(sub, out);
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
