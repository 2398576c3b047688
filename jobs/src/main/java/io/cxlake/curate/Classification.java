package io.cxlake.curate;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.ColumnSpec;
import io.cxlake.core.EntitySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Decides what happens to every validated row — a pure transformation. Adds
 * {@code _disposition} (accepted | quarantined | exact_duplicate), the final {@code _reasons},
 * {@code _row_hash} and {@code _latest} (the accepted row to upsert for its key).
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>a row that failed a row-level check is quarantined with its reasons;</li>
 *   <li>within one batch, a copy identical to an earlier row of the same key is an
 *       exact duplicate: counted and dropped;</li>
 *   <li>within one batch, a later row with the same key but other content is quarantined
 *       as duplicate_key: one delivery cannot say which version is right, so the first
 *       (by file name, then position in the file) is kept and the others go to review;</li>
 *   <li>a row whose foreign key is not in the referenced silver table is quarantined as
 *       orphan_fk;</li>
 *   <li>across batches the latest batch wins: its row is upserted; earlier accepted rows
 *       of the same key were accepted and superseded.</li>
 * </ol>
 */
public final class Classification {
  private Classification() {}

  public static final String ACCEPTED = "accepted";
  public static final String QUARANTINED = "quarantined";
  public static final String EXACT_DUPLICATE = "exact_duplicate";

  /**
   * @param validated output of {@link Validation#validate}
   * @param refKeys   foreign-key column -> the referenced entity's keys (one column)
   */
  public static Dataset<Row> classify(Dataset<Row> validated, EntitySpec e, Map<String, Dataset<Row>> refKeys) {
    Column[] typed = e.columns().stream().map(c -> col(c.name())).toArray(Column[]::new);
    Column[] keys = e.key().stream().map(k -> col(k)).toArray(Column[]::new);
    Dataset<Row> d = validated
        .withColumn("_valid", size(col("_reasons")).equalTo(0))
        .withColumn("_row_hash", xxhash64(typed));

    WindowSpec byContent = Window.partitionBy(with(keys, col("_batch_id"), col("_row_hash"), col("_valid")))
        .orderBy(col("_source_file"), col("_row_seq"));
    d = d.withColumn("_first_copy", col("_valid").and(row_number().over(byContent).equalTo(1)));
    WindowSpec byKey = Window.partitionBy(with(keys, col("_batch_id"), col("_first_copy")))
        .orderBy(col("_source_file"), col("_row_seq"));
    d = d.withColumn("_first_of_key", col("_first_copy").and(row_number().over(byKey).equalTo(1)));

    Column orphan = lit(false);
    for (ColumnSpec fk : e.foreignKeys()) {
      Dataset<Row> ref = refKeys.get(fk.name());
      if (ref == null) {
        continue;
      }
      String flag = "_ref_" + fk.name();
      Dataset<Row> r = ref.toDF("_ref_key_" + fk.name()).distinct().withColumn(flag, lit(true));
      d = d.join(r, col(fk.name()).equalTo(col("_ref_key_" + fk.name())), "left").drop("_ref_key_" + fk.name());
      orphan = orphan.or(col(fk.name()).isNotNull().and(col(flag).isNull()));
    }
    d = d.withColumn("_orphan", col("_first_of_key").and(orphan));
    Column survivor = col("_first_of_key").and(not(col("_orphan")));
    WindowSpec byBatch = Window.partitionBy(with(keys, survivor)).orderBy(col("_batch_id").desc());
    d = d.withColumn("_latest", survivor.and(row_number().over(byBatch).equalTo(1)));

    Column disposition = when(not(col("_valid")), lit(QUARANTINED))
        .when(not(col("_first_copy")), lit(EXACT_DUPLICATE))
        .when(not(col("_first_of_key")), lit(QUARANTINED))
        .when(col("_orphan"), lit(QUARANTINED))
        .otherwise(lit(ACCEPTED));
    Column reasons = when(not(col("_valid")), col("_reasons"))
        .when(col("_first_copy").and(not(col("_first_of_key"))), array(lit("duplicate_key")))
        .when(col("_orphan"), array(lit("orphan_fk")))
        .otherwise(col("_reasons"));
    Column detail = when(col("_first_copy").and(not(col("_first_of_key"))),
            lit("another row of this batch has the same key and other content; the first is kept"))
        .when(col("_orphan"), concat(lit("unknown reference: "),
            concat_ws(", ", e.foreignKeys().stream().map(fk -> concat(lit(fk.name() + "="), col(fk.name())))
                .toArray(Column[]::new))))
        .otherwise(col("_detail"));
    List<Column> out = new ArrayList<>(List.of(typed));
    out.add(disposition.as("_disposition"));
    out.add(reasons.as("_reasons"));
    out.add(detail.as("_detail"));
    out.add(col("_row_hash"));
    out.add(col("_latest"));
    for (String meta : List.of("_raw", "_source_file", "_row_seq", "_batch_id")) {
      out.add(col(meta));
    }
    return d.select(out.toArray(Column[]::new));
  }

  private static Column[] with(Column[] keys, Column... extra) {
    Column[] all = java.util.Arrays.copyOf(keys, keys.length + extra.length);
    System.arraycopy(extra, 0, all, keys.length, extra.length);
    return all;
  }
}
