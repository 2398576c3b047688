package io.cxlake.survival;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.GeneratedLakehouse;
import io.cxlake.TestSpark;
import io.cxlake.platform.Pseudonym;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The survival stage on the shared generated lakehouse (scale 0.05): lifetimes against the
 * generator's churn dates, curves that reconcile with their populations, NPS groups that the
 * log-rank test tells apart, the Cox model's detractor hazard ratio against the planted one,
 * and a rerun replacing rather than adding rows.
 */
class SurvivalRecoveryIT {
  @Test
  void lifetimesCurvesAndHazardRatios() throws Exception {
    GeneratedLakehouse lake = GeneratedLakehouse.get();
    SparkSession spark = TestSpark.session();
    lake.run(TestSpark.plan("survival"));
    LocalDate asOf = spark.sql("SELECT max(snapshot_date) FROM " + lake.gold("customer_360")).first().getDate(0).toLocalDate();
    String day = "as_of_date = DATE'" + asOf + "'";
    SurvivalConfig cfg = lake.context("").config().get(SurvivalConfig.SECTION);
    LocalDate censor = Lifetimes.censorDate(asOf, cfg.inactivityDays());

    // lifetimes against the planted churn dates: a customer the generator churned well before
    // the censoring date stopped buying, so the lifetime ends (an event) no later than that date
    Dataset<Row> lifetimes = Lifetimes.lifetime(Lifetimes.orderDays(spark.table(lake.gold("fact_order")), asOf,
        cfg.inactivityDays()), censor);
    Dataset<Row> personas = spark.read().option("header", true).csv(lake.localLanding.resolve("_truth/personas.csv").toString())
        .withColumn("churn_date", to_date(col("churn_date")));
    personas.createOrReplaceTempView("planted_churn");
    Dataset<Row> truth = personas.select(Pseudonym.customerKey(col("customer_id"), io.cxlake.platform.PseudonymSecret.of(lake.context("")))
            .as("customer_key"), col("churn_date"));
    Row check = lifetimes.join(truth, "customer_key").agg(
        count(when(col("churn_date").leq(lit(Date.valueOf(censor))), 1)),
        count(when(col("churn_date").leq(lit(Date.valueOf(censor))).and(col("event")), 1)),
        count(when(col("event").and(date_add(col("origin"), col("time").cast("int")).gt(col("churn_date"))), 1)),
        count(when(col("churn_date").isNull(), 1)),
        count(when(col("churn_date").isNull().and(col("event")), 1))).first();
    System.out.printf("survival recovery: planted churn by %s %d, of them events %d; events after the planted date %d;"
        + " never churned %d, of them events %d%n", censor, check.getLong(0), check.getLong(1), check.getLong(2),
        check.getLong(3), check.getLong(4));
    assertEquals(check.getLong(0), check.getLong(1), "every customer churned by the censoring date has an event");
    assertEquals(0L, check.getLong(2), "no lifetime ends after the planted churn date");

    // curves: the all row follows every customer of its population, from at-risk n down
    long lifetimeCustomers = lifetimes.count();
    Row all = spark.sql("SELECT customers, events FROM " + lake.gold("survival_group") + " WHERE " + day
        + " AND population = 'lifetime' AND dimension = 'all'").first();
    assertEquals(lifetimeCustomers, all.getLong(0));
    assertEquals(lifetimes.where("event").count(), all.getLong(1));
    // every dimension's groups add up to its population's all row
    List<Row> perDimension = spark.sql("SELECT d.population, d.dimension, d.customers, a.customers FROM (SELECT population, "
        + "dimension, sum(customers) AS customers FROM " + lake.gold("survival_group") + " WHERE " + day
        + " GROUP BY population, dimension) d JOIN (SELECT population, customers FROM " + lake.gold("survival_group")
        + " WHERE " + day + " AND dimension = 'all') a ON d.population = a.population").collectAsList();
    assertEquals(10, perDimension.size(), "lifetime: all, cohort, region, channel; experience: all, nps_group; "
        + "subscription: all, plan, billing_period, region: " + perDimension);
    for (Row r : perDimension) {
      assertEquals(r.getLong(3), r.getLong(2), "a dimension's groups add up to its population: " + r);
    }
    assertEquals(0L, spark.sql("SELECT count(*) FROM (SELECT survival, lag(survival) OVER (PARTITION BY population, "
        + "dimension, group_value ORDER BY time) AS before FROM " + lake.gold("survival_curve") + " WHERE " + day
        + ") WHERE survival > before + 1e-12").first().getLong(0), "curves never rise");

    // subscriptions: every one started by the as-of date is followed; the generator cancels a
    // churned customer's subscription, so those whose customer churned by the as-of date ended
    Row subscriptions = spark.sql("SELECT customers, events FROM " + lake.gold("survival_group") + " WHERE " + day
        + " AND population = 'subscription' AND dimension = 'all'").first();
    assertEquals(spark.sql("SELECT count(*) FROM gen_silver.subscriptions WHERE start_date <= DATE'" + asOf + "'")
        .first().getLong(0), subscriptions.getLong(0));
    long subscribersChurned = spark.sql("SELECT count(*) FROM gen_silver.subscriptions s JOIN planted_churn t "
        + "ON s.customer_id = t.customer_id WHERE t.churn_date <= DATE'" + asOf + "' AND s.start_date <= DATE'" + asOf + "'")
        .first().getLong(0);
    System.out.printf("survival recovery: %d subscriptions, %d ended; %d of churned customers%n", subscriptions.getLong(0),
        subscriptions.getLong(1), subscribersChurned);
    // the generator ends no other subscription: the ended ones are those of churned customers
    assertEquals(subscribersChurned, subscriptions.getLong(1), 0.01 * subscribersChurned,
        "the subscriptions of churned customers ended");

    // NPS groups: detractors leave sooner, and the log-rank test sees it
    List<Row> nps = spark.sql("SELECT group_value, customers, median_time, survival_365, logrank_p_value FROM "
        + lake.gold("survival_group") + " WHERE " + day + " AND population = 'experience' AND dimension = 'nps_group'"
        + " ORDER BY group_value").collectAsList();
    System.out.println("survival recovery: NPS groups " + nps);
    assertEquals(List.of("detractor", "passive", "promoter"), nps.stream().map(r -> r.getString(0)).toList());
    assertTrue(nps.get(0).getDouble(4) < 1e-3, "log-rank p of the NPS groups: " + nps.get(0));

    Row hr = spark.sql("SELECT hazard_ratio, hazard_ratio_lower, hazard_ratio_upper, p_value, concordance, customers, events "
        + "FROM " + lake.gold("survival_model") + " WHERE " + day + " AND model = 'experience' AND covariate = 'nps_group=detractor'")
        .first();
    double planted = Math.exp(lake.truth.at("/churn/log_hazard_ratios/detractor_last_180d").asDouble());
    System.out.printf("survival recovery: detractor hazard ratio %.3f (%.3f-%.3f), p %.2g, concordance %.3f, %d customers,"
        + " %d events; planted %.3f%n", hr.getDouble(0), hr.getDouble(1), hr.getDouble(2), hr.getDouble(3), hr.getDouble(4),
        hr.getLong(5), hr.getLong(6), planted);
    assertTrue(hr.getDouble(1) > 1, "detractors churn faster than promoters: " + hr);
    // the generator raises the monthly hazard by this ratio while the latest answer (of the last
    // 180 days) is a detractor's; the model sees the first answer only, and recovers it within its interval
    assertTrue(hr.getDouble(1) <= planted && planted <= hr.getDouble(2), "planted " + planted + " within " + hr);

    // the model of monthly episodes compares customers by their current answer, as the generator does
    Row current = spark.sql("SELECT hazard_ratio, hazard_ratio_lower, hazard_ratio_upper, customers, strata FROM "
        + lake.gold("survival_model") + " WHERE " + day + " AND model = 'experience_over_time' "
        + "AND covariate = 'current_nps_group=detractor'").first();
    System.out.printf("survival recovery: current detractor hazard ratio %.3f (%.3f-%.3f), %d customers%n",
        current.getDouble(0), current.getDouble(1), current.getDouble(2), current.getLong(3));
    assertEquals(lifetimeCustomers, current.getLong(3), "experience_over_time follows the lifetime population");
    assertEquals("region,acquisition_channel", current.getString(4));
    assertTrue(current.getDouble(1) <= planted && planted <= current.getDouble(2), "planted " + planted + " within " + current);

    // the estimator itself, given what the data cannot show: the generator's churn days (not the
    // last order before a gap) and its personas as strata (their base hazards differ sevenfold
    // and go with their NPS). Then every planted cause is recovered within its interval.
    Dataset<Row> given = lifetimes.join(personas.select(Pseudonym.customerKey(col("customer_id"),
            io.cxlake.platform.PseudonymSecret.of(lake.context(""))).as("customer_key"), col("persona"), col("churn_date")),
            "customer_key")
        .withColumn("end", when(col("churn_date").leq(lit(Date.valueOf(censor))), col("churn_date")))
        .select(col("customer_key"), col("origin"),
            datediff(coalesce(col("end"), lit(Date.valueOf(censor))), col("origin")).cast("double").as("time"),
            col("end").isNotNull().as("event"), col("persona").as("region"), lit("all").as("acquisition_channel"));
    Dataset<Row> episodes = Episodes.withCovariates(Episodes.monthly(given),
        Lifetimes.orderDays(spark.table(lake.gold("fact_order")), asOf, cfg.inactivityDays()),
        spark.table(lake.gold("fact_survey_response")), spark.table(lake.gold("fact_interaction")),
        io.cxlake.platform.DigitalSessions.perDay(lake.context("")), cfg).cache();
    SurvivalCurves.GroupCounts pooled = SurvivalCurves.groups(SurvivalCurves.counts(given, "planted", List.of())
        .orderBy("population", "dimension", "group_value", "time").collectAsList()).get(0);
    List<Row> causes = SurvivalModel.fit(asOf, "planted", SurvivalModel.designOverTime(episodes, cfg),
        SurvivalCurves.curve(pooled, cfg.confidence()), cfg);
    episodes.unpersist();
    java.util.Map<String, String> plantedAs = java.util.Map.of("current_nps_group=detractor", "detractor_last_180d",
        "complaints_90d", "complaints_last_90d", "digital_active_30d", "digitally_active_this_month",
        "slow_contacts_90d", "slow_resolution_last_90d");
    for (Row r : causes) {
      String cause = plantedAs.get(r.getString(2));
      double ratio = cause == null ? Double.NaN : Math.exp(lake.truth.at("/churn/log_hazard_ratios/" + cause).asDouble());
      System.out.printf("survival recovery, churn days and personas given: %s %.3f (%.3f-%.3f), planted %.3f%n",
          r.getString(2), r.getDouble(6), r.getDouble(7), r.getDouble(8), ratio);
      if (cause != null) {
        assertTrue(r.getDouble(7) <= ratio && ratio <= r.getDouble(8), r.getString(2) + ": planted " + ratio + " within " + r);
      }
    }

    long rows = spark.table(lake.gold("survival_curve")).where(day).count();
    // With the default refit_days the analysis of the day stands; with 0 the rerun analyses again.
    var stands = io.cxlake.core.JobRunner.run(lake.context(""), TestSpark.plan("survival")).get(0);
    assertEquals(0L, stands.result().counts().get("analysed"), "a rerun within survival.refit_days leaves it standing");
    var rerun = io.cxlake.core.JobRunner.run(lake.context("survival: {refit_days: 0}"), TestSpark.plan("survival")).get(0);
    assertEquals(1L, rerun.result().counts().get("analysed"), rerun.status() + ": " + rerun.error());
    assertEquals(rows, spark.table(lake.gold("survival_curve")).where(day).count(), "a rerun replaces its as-of date's rows");
  }
}
