package io.cxlake.platform;

import static org.apache.spark.sql.functions.*;

import io.cxlake.core.Entities;
import io.cxlake.core.JobContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Digital sessions per customer and day from silver digital events, pseudonymised after aggregation. */
public final class DigitalSessions {
  private DigitalSessions() {}

  /** Whether there are digital events to read (a shop may bring none). */
  public static boolean exist(JobContext ctx) {
    return ctx.spark().catalog().tableExists(ctx.catalog().silver(Entities.DIGITAL_EVENTS.silverTable()));
  }

  /** customer_key, session_date: the days with a digital event (cheaper than counting sessions). */
  public static Dataset<Row> activeDays(JobContext ctx) {
    return ctx.spark().table(ctx.catalog().silver(Entities.DIGITAL_EVENTS.silverTable()))
        .select(col("customer_id"), to_date(col("event_ts")).as("session_date")).distinct()
        .select(Pseudonym.customerKey(col("customer_id"), PseudonymSecret.of(ctx)).as("customer_key"), col("session_date"));
  }

  /** customer_key, session_date, sessions (distinct session ids that day). */
  public static Dataset<Row> perDay(JobContext ctx) {
    return ctx.spark().table(ctx.catalog().silver(Entities.DIGITAL_EVENTS.silverTable()))
        .groupBy(col("customer_id"), to_date(col("event_ts")).as("session_date"))
        .agg(countDistinct("session_id").as("sessions"))
        .select(Pseudonym.customerKey(col("customer_id"), PseudonymSecret.of(ctx)).as("customer_key"), col("session_date"),
            col("sessions"));
  }
}
