package io.cxlake.survival;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Monthly episodes and their covariates on hand-made histories; every expected value counted from the dates. */
class EpisodesTest {
  private static final SparkSession SPARK = TestSpark.session();
  private static final SurvivalConfig CFG = new SurvivalConfig(180, "efron", List.of(), 90, 180, 30, 0.95, 30, 1000, 0);

  private static Dataset<Row> frame(StructType schema, Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r));
    }
    return SPARK.createDataFrame(out, schema);
  }

  private static Date d(String s) {
    return Date.valueOf(s);
  }

  private static Timestamp ts(String s) {
    return Timestamp.valueOf(s);
  }

  /** A: 50 days from Jan 15 (churned); B: churned on the day of its only order; C: censored after 17 days. */
  private static Dataset<Row> lifetimes() {
    return frame(new StructType().add("customer_key", "string").add("origin", "date").add("time", "double")
            .add("event", "boolean").add("region", "string"),
        new Object[] {"A", d("2025-01-15"), 50.0, true, "EU"}, new Object[] {"B", d("2025-03-10"), 0.0, true, "US"},
        new Object[] {"C", d("2025-01-15"), 17.0, false, "EU"});
  }

  @Test
  void monthlyEpisodesSplitAtTheFirstOfEachMonth() {
    List<Row> rows = Episodes.monthly(lifetimes()).orderBy("customer_key", "start")
        .select("customer_key", "start", "entry", "time", "event", "region").collectAsList();
    List<String> got = rows.stream().map(Row::toString).toList();
    assertEquals(List.of(
        // Feb 1 is day 17 after Jan 15, Mar 1 day 45; the churn on day 50 falls in March
        "[A,2025-01-15,null,17.0,false,EU]", "[A,2025-02-01,17.0,45.0,false,EU]", "[A,2025-03-01,45.0,50.0,true,EU]",
        // a lifetime of 0 days: one episode at risk from the start, so its churn counts
        "[B,2025-03-10,null,0.0,true,US]",
        // ends on Feb 1: no episode of length 0 starts that day
        "[C,2025-01-15,null,17.0,false,EU]"), got);
  }

  @Test
  void covariatesAreThoseKnownTheDayBefore() {
    Dataset<Row> orders = frame(new StructType().add("customer_key", "string").add("order_date", "date"),
        new Object[] {"A", d("2025-01-15")}, new Object[] {"A", d("2025-02-20")}, new Object[] {"A", d("2025-03-06")},
        new Object[] {"B", d("2025-03-10")});
    Dataset<Row> responses = frame(new StructType().add("customer_key", "string").add("response_date", "date")
            .add("responded_ts", "timestamp").add("nps_group", "string"),
        // 228 days before Jan 15: no longer current
        new Object[] {"A", d("2024-06-01"), ts("2024-06-01 10:00:00"), "detractor"},
        new Object[] {"A", d("2025-01-31"), ts("2025-01-31 10:00:00"), "promoter"},
        // two answers on one day: the later one is current
        new Object[] {"A", d("2025-02-10"), ts("2025-02-10 17:00:00"), "detractor"},
        new Object[] {"A", d("2025-02-10"), ts("2025-02-10 09:00:00"), "passive"},
        // given on the day an episode starts: known from the next day
        new Object[] {"A", d("2025-03-01"), ts("2025-03-01 08:00:00"), "promoter"},
        new Object[] {"B", d("2025-03-09"), ts("2025-03-09 08:00:00"), null});
    Dataset<Row> interactions = frame(new StructType().add("customer_key", "string").add("opened_ts", "timestamp")
            .add("is_complaint", "boolean").add("resolution_hours", "double"),
        // 75 days before Jan 15, 92 before Feb 1
        new Object[] {"A", ts("2024-11-01 12:00:00"), true, 5.0},
        new Object[] {"A", ts("2025-01-20 12:00:00"), false, 5.0},
        new Object[] {"A", ts("2025-02-15 12:00:00"), true, 2.0},
        // slow: 100 h, known slow on Feb 28 (72 h after opening)
        new Object[] {"A", ts("2025-02-25 10:00:00"), false, 100.0},
        // unresolved, but 72 h have not passed by Mar 1
        new Object[] {"A", ts("2025-02-27 10:00:00"), false, null});
    Dataset<Row> sessions = frame(new StructType().add("customer_key", "string").add("session_date", "date"),
        new Object[] {"A", d("2025-01-10")});
    Dataset<Row> episodes = Episodes.monthly(lifetimes());
    String[] columns = {"customer_key", "start", "current_nps_group", "complaints", "slow_contacts", "digital_active", "orders_365d"};
    List<String> got = Episodes.withCovariates(episodes, orders, responses, interactions, sessions, CFG)
        .orderBy("customer_key", "start").select(columns[0], Arrays.copyOfRange(columns, 1, columns.length))
        .collectAsList().stream().map(Row::toString).toList();
    assertEquals(List.of(
        "[A,2025-01-15,none,1,0,1.0,0]",
        "[A,2025-02-01,promoter,0,0,1.0,1]",
        "[A,2025-03-01,detractor,1,1,0.0,2]",
        // an answer without NPS is no NPS group
        "[B,2025-03-10,none,0,0,0.0,0]",
        "[C,2025-01-15,none,0,0,0.0,0]"), got);
    assertEquals(5, Episodes.withCovariates(episodes, orders, responses, interactions, null, CFG)
        .where("digital_active IS NULL").count(), "no digital data: no digital covariate");
  }
}
