package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The monthly cutoffs of a training run. Validation is the latest month end whose label window
 * (cutoff, cutoff + horizon] has closed by the as-of date. Training uses the month ends whose
 * label windows had closed by the validation cutoff, so nothing the model learns from lies after
 * it: the validation is what the model would have seen had it been trained on that day.
 *
 * @param training   oldest first; the last one tunes the hyper-parameters
 * @param validation the out-of-time validation cutoff
 */
public record Cutoffs(List<LocalDate> training, LocalDate validation) {

  public static Cutoffs plan(LocalDate asOf, int horizonDays, int trainingCutoffs) {
    LocalDate validation = monthEndOnOrBefore(asOf.minusDays(horizonDays));
    LocalDate latestTraining = monthEndOnOrBefore(validation.minusDays(horizonDays));
    List<LocalDate> training = new ArrayList<>();
    for (int i = trainingCutoffs - 1; i >= 0; i--) {
      training.add(latestTraining.minusMonths(i).with(TemporalAdjusters.lastDayOfMonth()));
    }
    return new Cutoffs(List.copyOf(training), validation);
  }

  static LocalDate monthEndOnOrBefore(LocalDate d) {
    LocalDate end = d.with(TemporalAdjusters.lastDayOfMonth());
    return end.equals(d) ? d : d.withDayOfMonth(1).minusDays(1);
  }

  public List<LocalDate> all() {
    List<LocalDate> all = new ArrayList<>(training);
    all.add(validation);
    return all;
  }

  public LocalDate tuning() {
    return training.get(training.size() - 1);
  }

  /** A one-column table (cutoff_date) of the given dates, small enough to broadcast. */
  public static Dataset<Row> table(SparkSession spark, List<LocalDate> dates) {
    List<Row> rows = dates.stream().map(d -> org.apache.spark.sql.RowFactory.create(Date.valueOf(d))).toList();
    return spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("cutoff_date", org.apache.spark.sql.types.DataTypes.DateType, false));
  }

  /** Days from an event date to the cutoff (0 = on the cutoff day; negative = after it). */
  static org.apache.spark.sql.Column daysBefore(org.apache.spark.sql.Column eventDate) {
    return datediff(col("cutoff_date"), eventDate);
  }
}
