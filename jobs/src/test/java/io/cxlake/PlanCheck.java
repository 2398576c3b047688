package io.cxlake;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Checks of a query's physical plan for work that would run in one task at any scale: a window
 * without a partition column whose input still has one row per entity (a customer, an order).
 */
public final class PlanCheck {
  private PlanCheck() {}

  /**
   * The windows without partition whose input carries {@code keyColumn}, i.e. that would sort
   * every row of that grain in one task; each described by its plan line. Empty is good.
   */
  public static List<String> unpartitionedWindowsOver(Dataset<?> ds, String keyColumn) {
    List<String> out = new ArrayList<>();
    walk(ds.queryExecution().sparkPlan(), keyColumn, out);
    return out;
  }

  private static void walk(SparkPlan plan, String key, List<String> out) {
    if (plan instanceof WindowExec w && w.partitionSpec().isEmpty()) {
      for (Attribute a : CollectionConverters.asJava(w.child().output())) {
        if (a.name().equals(key)) {
          out.add(w.simpleString(200));
        }
      }
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      walk(child, key, out);
    }
  }
}
