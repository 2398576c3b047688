package io.cxlake.churn;

import static org.apache.spark.sql.functions.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;

/**
 * What a churn training fits, as one hash: its rows (features and labels of every cutoff), the
 * cutoffs, the features, the churn settings and the cxlake version. Training is deterministic
 * (fixed partitioning, order and seeds), so two trainings with the same fingerprint fit the same
 * model, and a run that finds one can score with it instead of fitting it again: a day of new
 * data changes no training row until a new cutoff's label window closes, or older data changes.
 *
 * <p>Doubles count to 6 decimals: the last bits of a sum of doubles depend on the order in which
 * Spark merges partial aggregates, and must not make the same data look new. Rows count by an
 * order-free sum of their 64-bit hashes (as a decimal, which cannot overflow), so the partitioning
 * does not matter either. The cost is one pass over the rows, which training has cached.
 */
final class TrainingFingerprint {
  private TrainingFingerprint() {}

  static String of(Dataset<Row> rows, Cutoffs cutoffs, List<String> features, ChurnConfig cfg) {
    List<Column> cells = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      Column c = col(f.name());
      cells.add(f.dataType() instanceof DoubleType || f.dataType() instanceof FloatType ? round(c, 6) : c);
    }
    Row sums = rows.select(xxhash64(cells.toArray(Column[]::new)).cast("decimal(38,0)").as("h"))
        .agg(sum("h"), count(lit(1))).first();
    return sha256(String.join("\n", String.valueOf(sums.get(0)), String.valueOf(sums.getLong(1)),
        String.join(",", rows.columns()), cutoffs.toString(), features.toString(), cfg.toString(), version()));
  }

  /** The jar's version; "dev" when run from classes (tests, an IDE). */
  private static String version() {
    String v = TrainingFingerprint.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
