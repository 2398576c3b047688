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
    return TrainingFingerprint.of(rows, CUTOFFS, FEATURES, cfg);
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
    assertNotEquals(fp, TrainingFingerprint.of(rows(), Cutoffs.plan(LocalDate.of(2026, 11, 30), 90, 2), FEATURES, cfg),
        "other cutoffs");
    assertNotEquals(fp, TrainingFingerprint.of(rows(), CUTOFFS, FEATURES.subList(0, 1), cfg), "other features");
  }
}
