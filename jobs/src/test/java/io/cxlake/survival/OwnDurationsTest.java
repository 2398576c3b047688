package io.cxlake.survival;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import io.cxlake.core.JobContext;
import io.cxlake.core.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Bring your own durations: a customer table with tenure in months, a Yes/No churn flag, a
 * number and a plan, plus unusable rows. The Cox fit on the usable rows must equal statsmodels'
 * on the same 40 customers (SurvivalStatsTest's dataset), and the rejected rows be counted.
 */
class OwnDurationsTest {
  private static final String PREFIX = "byod";

  @Test
  void survivalOnAnyCustomerTable() throws Exception {
    TestSpark.dropDatabases(PREFIX);
    List<String> lines = new ArrayList<>(List.of("Customer ID,tenure,Churn,x1,plan"));
    for (int i = 0; i < SurvivalStatsTest.TIME.length; i++) {
      lines.add(String.join(",", "C" + i, String.valueOf(SurvivalStatsTest.TIME[i]), SurvivalStatsTest.EVENT[i] == 1
          ? (i % 2 == 0 ? "Yes" : "TRUE") : (i % 2 == 0 ? "No" : "0"), String.valueOf(SurvivalStatsTest.X1[i]),
          SurvivalStatsTest.X2[i] == 1 ? "plus" : "basic"));
    }
    lines.addAll(List.of(",5,Yes,0.1,basic", "C90,abc,No,0.2,plus", "C91,-3,Yes,0.3,basic", "C92,4,maybe,0.4,plus"));
    Path csv = Files.createTempDirectory("cxlake-byod-").resolve("customers.csv");
    Files.write(csv, lines);
    JobContext ctx = TestSpark.context(PREFIX, TestSpark.repoRoot().resolve("conf/sources.yaml"), csv.getParent(),
        "survival: {min_group_customers: 5}");
    JobRunner.StageOutcome o = JobRunner.run(ctx,
        List.of(new OwnDurationsStage(csv.toString(), null, "tenure", "Churn", "Customer ID", null))).get(0);
    assertEquals("success", o.status(), o.error());
    assertEquals(44L, o.result().rowsIn());
    assertEquals(1L, o.result().counts().get("rejected_no_id"));
    assertEquals(2L, o.result().counts().get("rejected_bad_duration"), "abc and -3");
    assertEquals(1L, o.result().counts().get("rejected_bad_event"), "maybe");

    SparkSession spark = TestSpark.session();
    // statsmodels PHReg(ties="efron") on the same customers: x1 1.3316020579361623 (se 0.3275465305721279),
    // plan plus against basic (the larger level) 0.09662946160086483 (0.4812623821128376)
    List<Row> model = spark.sql("SELECT covariate, reference, coefficient, std_error, customers, events, concordance FROM "
        + PREFIX + "_gold.survival_model WHERE model = 'own' ORDER BY covariate").collectAsList();
    assertEquals(List.of("plan=plus", "x1"), model.stream().map(r -> r.getString(0)).toList());
    assertEquals("basic", model.get(0).getString(1));
    assertEquals(0.09662946160086483, model.get(0).getDouble(2), 1e-6);
    assertEquals(0.4812623821128376, model.get(0).getDouble(3), 1e-6);
    assertEquals(1.3316020579361623, model.get(1).getDouble(2), 1e-6);
    assertEquals(0.3275465305721279, model.get(1).getDouble(3), 1e-6);
    long events = java.util.Arrays.stream(SurvivalStatsTest.EVENT).filter(e -> e == 1).count();
    assertEquals(40L, model.get(0).getLong(4));
    assertEquals(events, model.get(0).getLong(5));
    assertEquals(0.7749469214437368, model.get(0).getDouble(6), 1e-9, "the brute-force concordance");
    // curves: all, and by plan (the string column), with a log-rank test; times in months, no 365-day figure
    List<Row> groups = spark.sql("SELECT dimension, group_value, customers, events, logrank_df, survival_365 FROM "
        + PREFIX + "_gold.survival_group WHERE population = 'own' ORDER BY dimension, group_value").collectAsList();
    assertEquals(List.of("all=all", "plan=basic", "plan=plus"),
        groups.stream().map(r -> r.getString(0) + "=" + r.getString(1)).toList());
    assertEquals(40L, groups.get(0).getLong(2));
    assertEquals(events, groups.get(0).getLong(3));
    assertEquals(23L, groups.get(1).getLong(2));
    assertEquals(1, groups.get(1).getInt(4));
    assertTrue(groups.get(0).isNullAt(5));
  }

  @Test
  void caseWeights() throws Exception {
    TestSpark.dropDatabases(PREFIX + "_w");
    List<String> lines = new ArrayList<>(List.of("id,tenure,churn,x1,plan,w"));
    for (int i = 0; i < SurvivalStatsTest.TIME.length; i++) {
      lines.add(String.join(",", "C" + i, String.valueOf(SurvivalStatsTest.TIME[i]), String.valueOf(SurvivalStatsTest.EVENT[i]),
          String.valueOf(SurvivalStatsTest.X1[i]), SurvivalStatsTest.X2[i] == 1 ? "plus" : "basic", String.valueOf(1 + i % 3)));
    }
    lines.addAll(List.of("C90,5,1,0.1,basic,0", "C91,5,1,0.1,basic,", "C92,5,1,0.1,basic,heavy"));
    Path csv = Files.createTempDirectory("cxlake-byod-").resolve("weighted.csv");
    Files.write(csv, lines);
    JobContext ctx = TestSpark.context(PREFIX + "_w", TestSpark.repoRoot().resolve("conf/sources.yaml"), csv.getParent(),
        "survival: {min_group_customers: 5, ties: breslow}");
    JobRunner.StageOutcome o = JobRunner.run(ctx,
        List.of(new OwnDurationsStage(csv.toString(), null, "tenure", "churn", "id", "w"))).get(0);
    assertEquals("success", o.status(), o.error());
    assertEquals(3L, o.result().counts().get("rejected_bad_weight"), "0, blank and a word");
    // statsmodels PHReg(ties="breslow") on the rows repeated w times (SurvivalStatsTest): x1 1.5090385132001158
    // (se 0.2632380867245907), plan plus 0.09996511637822575 (0.3577400243720144)
    List<Row> model = TestSpark.session().sql("SELECT covariate, coefficient, std_error, customers FROM " + PREFIX
        + "_w_gold.survival_model WHERE model = 'own' ORDER BY covariate").collectAsList();
    assertEquals(List.of("plan=plus", "x1"), model.stream().map(r -> r.getString(0)).toList());
    assertEquals(0.09996511637822575, model.get(0).getDouble(1), 1e-6);
    assertEquals(0.3577400243720144, model.get(0).getDouble(2), 1e-6);
    assertEquals(1.5090385132001158, model.get(1).getDouble(1), 1e-6);
    assertEquals(0.2632380867245907, model.get(1).getDouble(2), 1e-6);
    assertEquals(40L, model.get(0).getLong(3), "customers, not weights");
  }

  @Test
  void missingNumbersAreFilledWithTheMeanAndFlagged() {
    SparkSession spark = TestSpark.session();
    org.apache.spark.sql.Dataset<Row> raw = spark.sql("SELECT * FROM VALUES ('1', 'y', '2', 'a'), ('2', 'n', '', 'a'), "
        + "('3', 'y', '4', 'b'), ('4', 'n', '6', '') AS t(months, gone, charges, plan)");
    OwnDurationsStage.Prepared p = OwnDurationsStage.prepare(raw, "months", "gone", null, null);
    assertEquals(List.of("f_charges"), p.features().numeric());
    assertEquals(List.of("f_plan"), p.features().categorical());
    SurvivalConfig cfg = new SurvivalConfig(180, "efron", List.of(), 90, 180, 1, 0.95, 30, 1000, 0);
    SurvivalModel.Design d = OwnDurationsStage.design(p.rows(), p.features(), cfg);
    assertEquals(List.of("charges", "charges missing", "plan=(missing)", "plan=b"),
        d.covariates().stream().map(SurvivalModel.Covariate::name).toList());
    List<Row> rows = d.data().orderBy("time").select("f_charges", "f_charges__missing").collectAsList();
    assertEquals(4.0, rows.get(1).getDouble(0), 1e-12, "the blank is the mean of 2, 4 and 6");
    assertEquals(1.0, rows.get(1).getDouble(1));
    assertEquals(0.0, rows.get(0).getDouble(1));
    assertThrows(io.cxlake.core.CxlakeException.class, () -> OwnDurationsStage.prepare(raw, "months", "churned", null, null));
  }
}
