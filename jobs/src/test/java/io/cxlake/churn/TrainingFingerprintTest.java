package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TrainingFingerprintTest {
  private static final Cutoffs CUTOFFS = Cutoffs.plan(LocalDate.of(2026, 10, 31), 90, 2);
  private static final List<String> FEATURES = List.of("recency_days", "orders_90d");

  private static Dataset<Row> rows() {
    StructType schema = new StructType().add("cutoff_date", DataTypes.DateType).add("customer_key", DataTypes.StringType)
        .add("recency_days", DataTypes.DoubleType).add("orders_90d", DataTypes.DoubleType)
        .add("label", DataTypes.DoubleType);
    List<Row> rows = List.of(
        RowFactory.create(Date.valueOf("2026-05-31"), "a", 3.0, 2.0 / 3.0, 0.0),
        RowFactory.create(Date.valueOf("2026-05-31"), "b", 40.0, 1.0, 1.0),
        RowFactory.create(Date.valueOf("2026-06-30"), "a", 33.0, 0.1 + 0.2, 0.0),
        RowFactory.create(Date.valueOf("2026-06-30"), "b", 70.0, 0.0, 1.0),
        RowFactory.create(Date.valueOf("2026-07-31"), "a", 5.0, 4.0, 0.0));
    return TestSpark.session().createDataFrame(rows, schema);
  }

  private static String of(Dataset<Row> rows, ChurnConfig cfg) {
    return TrainingFingerprint.of(rows, CUTOFFS, FEATURES, cfg).whole();
  }

  @Test
  void theSameRowsInAnyOrderAndPartitioningGiveTheSameFingerprintAndAnyChangeAnother() {
    ChurnConfig cfg = TestSpark.section(ChurnConfig.SECTION, "churn: {}");
    String fp = of(rows(), cfg);
    assertTrue(fp.matches("[0-9a-f]{64}"), fp);
    assertEquals(fp, of(rows().repartition(3).orderBy(desc("customer_key"), desc("cutoff_date")), cfg));
    // the last bits of a double sum (0.1 + 0.2 = 0.30000000000000004) do not make the rows new
    assertEquals(fp, of(rows().withColumn("orders_90d", col("orders_90d").plus(lit(1e-12))), cfg));

    assertNotEquals(fp, of(rows().withColumn("label", when(col("customer_key").equalTo("a")
        .and(col("cutoff_date").equalTo(lit(Date.valueOf("2026-05-31")))), lit(1.0)).otherwise(col("label"))), cfg),
        "a label changed");
    assertNotEquals(fp, of(rows().withColumn("recency_days", col("recency_days").plus(lit(1e-4))), cfg), "a feature moved");
    assertNotEquals(fp, of(rows().union(rows().limit(1)), cfg), "a row twice");
    assertNotEquals(fp, of(rows().where("customer_key = 'a'"), cfg), "rows left out");
    assertNotEquals(fp, of(rows(), TestSpark.section(ChurnConfig.SECTION, "churn: {seed: 8}")), "another seed");
    assertEquals(fp, of(rows(), TestSpark.section(ChurnConfig.SECTION, "churn: {refit_days: 0}")),
        "refit_days schedules trainings: no setting of one");
    assertNotEquals(fp, TrainingFingerprint.of(rows(), Cutoffs.plan(LocalDate.of(2026, 11, 30), 90, 2), FEATURES, cfg)
        .whole(), "other cutoffs");
    assertNotEquals(fp, TrainingFingerprint.of(rows(), CUTOFFS, FEATURES.subList(0, 1), cfg).whole(), "other features");
  }

  @Test
  void aValueOnARoundingTieCountsTheSameWhicheverSideItsLastBitsFall() {
    ChurnConfig cfg = TestSpark.section(ChurnConfig.SECTION, "churn: {}");
    // the mean of 8 contacts' 4-decimal hours: (0.1234 + 0.1235 + 6 x 0.12346) / 8 = 0.1234565, a tie at 6
    // decimals; summed in another order it comes out a bit below or above, and rounded once it went either way
    double tie = 0.1234565;
    Dataset<Row> at = rows().withColumn("orders_90d", lit(tie));
    TrainingFingerprint.Fingerprint fp = TrainingFingerprint.of(at, CUTOFFS, FEATURES, cfg);
    for (double bits : new double[] {Math.nextDown(tie), Math.nextUp(tie), Math.nextDown(Math.nextDown(tie))}) {
      assertEquals(fp.whole(), of(rows().withColumn("orders_90d", lit(bits)), cfg), () -> "for " + bits);
    }
    // a column that moved is named, and only that one
    TrainingFingerprint.Fingerprint moved = TrainingFingerprint.of(
        at.withColumn("recency_days", col("recency_days").plus(lit(1.0))), CUTOFFS, FEATURES, cfg);
    assertEquals(List.of("recency_days"), moved.movedSince(fp.columns()));
    assertEquals(List.of(), fp.movedSince(fp.columns()));
    assertEquals(List.of("cutoff_date", "customer_key", "recency_days", "orders_90d", "label"),
        List.copyOf(fp.columns().keySet()));
  }
}
