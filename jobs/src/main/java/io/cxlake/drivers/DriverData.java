package io.cxlake.drivers;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.CxlakeConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The response-level rows of the key-driver analysis, built from the gold facts: one row per survey
 * response of the lookback window with its slices, respondent weight, every outcome ({@code y_<name>},
 * null where the outcome is not known for that response), the driver ratings ({@code x_1..x_p}, 1-5 or
 * the 1-5 equivalent of another scale)
 * and a pure-noise probe. Pure transformations; the stage does the reading.
 */
public final class DriverData {
  private DriverData() {}

  /** Gold inputs. {@code segments}: customer_key, segment at the as-of snapshot, or null. */
  public record Inputs(Dataset<Row> responses, Dataset<Row> ratings, Dataset<Row> customers, Dataset<Row> segments,
      Dataset<Row> orders, Dataset<Row> renewals) {}

  /** Column of outcome {@code name}. */
  public static String y(String name) {
    return "y_" + name;
  }

  /** Column of driver j (0-based). */
  public static String x(int j) {
    return "x_" + (j + 1);
  }

  public static final String NOISE = "noise";

  /**
   * One row per response dated in (asOf − lookbackDays, asOf] that rated at least one attribute.
   * Ratings stay null where not given; the analysis uses complete cases (docs/drivers.md#missing).
   */
  public static Dataset<Row> build(Inputs in, List<String> attributes, List<DriversConfig.Outcome> outcomes,
      LocalDate asOf, int lookbackDays, long seed) {
    Column inWindow = col("response_date").gt(lit(Date.valueOf(asOf.minusDays(lookbackDays))))
        .and(col("response_date").leq(lit(Date.valueOf(asOf))));
    Dataset<Row> responses = in.responses().where(inWindow)
        .select("response_id", "customer_key", "response_date", "weight", "channel", "touchpoint", "journey_stage",
            "survey_type", "nps", "csat", "ces");
    Dataset<Row> wide = in.ratings().join(responses.select("response_id"), "response_id")
        // on the 1-5 equivalent of each attribute's own scale (score_100 / 25 + 1): top-2-box, Kano bands and
        // performance then mean the same on every scale; standardized coefficients and weights do not change
        .groupBy("response_id").pivot("attribute", new ArrayList<>(attributes)).agg(first(col("score_100").divide(25).plus(1)));
    List<Column> xs = new ArrayList<>();
    for (int j = 0; j < attributes.size(); j++) {
      xs.add(col("`" + attributes.get(j) + "`").cast("double").as(x(j)));
    }
    Dataset<Row> rows = responses.join(wide.select(concat(List.of(col("response_id")), xs).toArray(Column[]::new)), "response_id")
        .join(in.customers().select("customer_key", "region"), new String[] {"customer_key"}, "left");
    rows = in.segments() == null ? rows.withColumn("segment", lit(null).cast("string"))
        : rows.join(in.segments().select("customer_key", "segment"), new String[] {"customer_key"}, "left");
    // the behavioural outcomes are computed from the responses as read, not from the frame with the
    // earlier outcomes joined in, which would nest each earlier outcome's plan twice in the next
    Dataset<Row> responseRows = rows;
    for (DriversConfig.Outcome o : outcomes) {
      rows = switch (o.type()) {
        case "nps", "csat", "ces" -> rows.withColumn(y(o.name()), col(o.type()).cast("double"));
        case "repurchase" -> rows.join(repurchase(responseRows, in.orders(), o.name(), o.windowDays(), asOf),
            new String[] {"response_id"}, "left");
        case "renewal" -> rows.join(nextRenewal(responseRows, in.renewals(), o.name(), o.windowDays(), asOf),
            new String[] {"response_id"}, "left");
        default -> throw new IllegalArgumentException("unknown outcome type " + o.type());
      };
    }
    return rows.withColumn(NOISE, standardNormal(col("response_id"), seed));
  }

  /**
   * Repurchase outcome: 1 when the customer completed an order in (response_date, response_date + window],
   * 0 when not; null (unknown) when that window reaches past the as-of date.
   */
  static Dataset<Row> repurchase(Dataset<Row> rows, Dataset<Row> orders, String name, int window, LocalDate asOf) {
    Dataset<Row> known = rows.select("response_id", "customer_key", "response_date")
        .where(date_add(col("response_date"), window).leq(lit(Date.valueOf(asOf))));
    Dataset<Row> completed = orders.where(col("is_completed")).select(col("customer_key").as("o_key"), col("order_date"));
    Dataset<Row> hits = known.join(completed, col("customer_key").equalTo(col("o_key"))
            .and(col("order_date").gt(col("response_date")))
            .and(col("order_date").leq(date_add(col("response_date"), window))))
        .select("response_id").distinct().withColumn("hit", lit(1.0));
    return known.join(hits, new String[] {"response_id"}, "left")
        .select(col("response_id"), coalesce(col("hit"), lit(0.0)).as(y(name)));
  }

  /**
   * Renewal outcome: 1 when the customer's next renewal decided after the response (within the window
   * and by the as-of date) was renewed, 0 when churned; null when no renewal was decided in that time.
   */
  static Dataset<Row> nextRenewal(Dataset<Row> rows, Dataset<Row> renewals, String name, int window, LocalDate asOf) {
    Dataset<Row> decided = renewals.where(col("is_decided"))
        .select(col("customer_key").as("r_key"), col("decided_date"), col("is_renewed"));
    return rows.select("response_id", "customer_key", "response_date")
        .join(decided, col("customer_key").equalTo(col("r_key"))
            .and(col("decided_date").gt(col("response_date")))
            .and(col("decided_date").leq(date_add(col("response_date"), window)))
            .and(col("decided_date").leq(lit(Date.valueOf(asOf)))))
        .groupBy("response_id")
        .agg(min_by(col("is_renewed"), struct(col("decided_date"), col("is_renewed"))).cast("double").as(y(name)));
  }

  /** A standard normal value per key from two hash uniforms (Box-Muller): the same on every run. */
  static Column standardNormal(Column key, long seed) {
    Column u1 = uniform(key, lit(seed), lit("noise-1"));
    Column u2 = uniform(key, lit(seed), lit("noise-2"));
    return sqrt(log(u1).multiply(-2)).multiply(cos(u2.multiply(2 * Math.PI)));
  }

  private static final long TWO_53 = 1L << 53;

  /** A uniform value in (0, 1) from a hash of the given columns. */
  static Column uniform(Column... parts) {
    return pmod(xxhash64(parts), lit(TWO_53)).plus(0.5).divide((double) TWO_53);
  }

  private static List<Column> concat(List<Column> a, List<Column> b) {
    List<Column> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
