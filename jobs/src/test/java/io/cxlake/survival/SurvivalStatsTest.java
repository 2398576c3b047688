package io.cxlake.survival;

import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Kaplan–Meier, Greenwood, log-rank and Cox against published figures and statsmodels 0.13.5
 * (Debian python3-statsmodels: SurvfuncRight, survdiff, PHReg), computed outside cxlake and
 * written here.
 */
class SurvivalStatsTest {
  /** Freireich et al. (1963) 6-MP leukaemia remissions in weeks (Gehan 1965); false = censored. */
  private static final double[] MP_TIME = {6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35};
  private static final int[] MP_EVENT = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
  private static final double[] PLACEBO_TIME = {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23};

  /** The placebo arm: every remission ended. */
  private static int[] allEvents() {
    int[] events = new int[PLACEBO_TIME.length];
    java.util.Arrays.fill(events, 1);
    return events;
  }

  /** Events and censorings per distinct time, ascending: {times, events, censored}. */
  private static double[][] perTime(double[] time, int[] event) {
    TreeMap<Double, double[]> m = new TreeMap<>();
    for (int i = 0; i < time.length; i++) {
      m.computeIfAbsent(time[i], k -> new double[2])[event[i] == 1 ? 0 : 1]++;
    }
    double[][] out = new double[3][m.size()];
    int i = 0;
    for (var e : m.entrySet()) {
      out[0][i] = e.getKey();
      out[1][i] = e.getValue()[0];
      out[2][i++] = e.getValue()[1];
    }
    return out;
  }

  private static KaplanMeier.Curve km(double[] time, int[] event) {
    double[][] t = perTime(time, event);
    return KaplanMeier.fit(t[0], t[1], t[2], 1.959963984540054);
  }

  private static KaplanMeier.Step at(KaplanMeier.Curve c, double time) {
    return c.steps().stream().filter(s -> s.time() == time).findFirst().orElseThrow();
  }

  @Test
  void kaplanMeierWithGreenwoodAndLogLogBands() {
    KaplanMeier.Curve mp = km(MP_TIME, MP_EVENT);
    // statsmodels SurvfuncRight surv_prob and surv_prob_se (Greenwood) at the event times
    double[] times = {6, 7, 10, 13, 16, 22, 23};
    double[] s = {0.857142857143, 0.806722689076, 0.752941176471, 0.690196078431, 0.627450980392, 0.53781512605,
        0.448179271709};
    double[] se = {0.076360354832, 0.08693528518, 0.096349652994, 0.106814707775, 0.114053865257, 0.128233751693,
        0.134591456756};
    for (int i = 0; i < times.length; i++) {
      assertEquals(s[i], at(mp, times[i]).survival(), 1e-10, "S(" + times[i] + ")");
      assertEquals(se[i], at(mp, times[i]).stdError(), 1e-10, "Greenwood se at " + times[i]);
    }
    // at risk 21 at week 6 (3 events, 1 censored), 17 at week 7; a censoring step keeps S
    assertEquals(21, at(mp, 6).atRisk());
    assertEquals(17, at(mp, 7).atRisk());
    assertEquals(s[1], at(mp, 9).survival(), 1e-12);
    // log-log interval by hand at week 6: sigma = sqrt(3/(21*18)) / |ln(6/7)| = 0.5779;
    // (6/7)^exp(±1.96 sigma) = 0.61972, 0.95155 (R survfit conf.type = "log-log": 0.620, 0.952)
    assertEquals(0.6197179552659838, at(mp, 6).lower(), 1e-12);
    assertEquals(0.951551747646997, at(mp, 6).upper(), 1e-12);
    assertEquals(21, mp.subjects());
    assertEquals(9, mp.events());
    // medians and their intervals: statsmodels quantile(0.5) and quantile_ci(0.5, method="cloglog")
    assertEquals(23.0, mp.median());
    assertEquals(13.0, mp.medianLower());
    assertNull(mp.medianUpper(), "the band never falls to 0.5: no upper bound (statsmodels: inf)");
    KaplanMeier.Curve placebo = km(PLACEBO_TIME, allEvents());
    assertEquals(0.0, at(placebo, 23).survival());
    assertEquals(8.0, placebo.median());
    assertEquals(4.0, placebo.medianLower());
    assertEquals(11.0, placebo.medianUpper());
  }

  @Test
  void logRankOfTheLeukaemiaTrial() {
    double[][] mp = perTime(MP_TIME, MP_EVENT);
    double[][] pl = perTime(PLACEBO_TIME, allEvents());
    double[] pooled = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(mp[0]), java.util.Arrays.stream(pl[0]))
        .distinct().sorted().toArray();
    double[][] events = new double[2][pooled.length];
    double[][] atRisk = new double[2][pooled.length];
    double[][][] groups = {mp, pl};
    for (int g = 0; g < 2; g++) {
      KaplanMeier.Curve c = KaplanMeier.fit(groups[g][0], groups[g][1], groups[g][2], 1.96);
      for (int i = 0; i < pooled.length; i++) {
        double t = pooled[i];
        events[g][i] = c.steps().stream().filter(x -> x.time() == t).mapToDouble(KaplanMeier.Step::events).sum();
        atRisk[g][i] = c.steps().stream().filter(x -> x.time() >= t).mapToDouble(x -> x.events() + x.censored()).sum();
      }
    }
    LogRank.Result r = LogRank.test(events, atRisk);
    // statsmodels survdiff: 16.792940989216532, p 4.1688091093394775e-05; Kleinbaum & Klein
    // (Survival Analysis, ch. 2) print 16.79 for these data
    assertEquals(16.792940989216532, r.chiSquared(), 1e-9);
    assertEquals(4.1688091093394775e-05, r.pValue(), 1e-12);
    assertEquals(1, r.degreesOfFreedom());
    assertEquals(9, r.observed()[0]);
    assertEquals(21, r.observed()[1]);
  }

  @Test
  void noLogRankWhenAGroupIsNeverAtRiskAtAnEvent() {
    // group 2's three subjects are all censored at time 1, before group 1's events at 2 and 3
    double[][] events = {{1, 1}, {0, 0}};
    double[][] atRisk = {{4, 3}, {0, 0}};
    assertNull(LogRank.test(events, atRisk), "the groups cannot be compared: no test, no exception");
  }

  // 40 subjects with two covariates, coarse times (many ties), censoring, two strata, weights 1-3
  static final int[] TIME = {7, 13, 8, 8, 3, 9, 11, 12, 1, 3, 4, 5, 5, 2, 5, 10, 2, 7, 2, 8, 11, 2, 10, 7, 3, 6,
      12, 5, 12, 9, 1, 1, 4, 4, 3, 3, 9, 9, 5, 3};
  static final int[] EVENT = {0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0,
      1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0};
  static final double[] X1 = {-0.8, -1.32, -0.25, 0.42, 1.14, 0.11, -0.55, -0.78, 0.75, 1.63, 0.27, -1.23, -0.96,
      1.6, 0.2, -1.73, -0.08, -1.16, -0.63, -0.49, -0.71, 0.55, -0.06, -0.59, 0.41, 0.83, -1.64, -0.26, -0.98, -0.17,
      -1.29, 0.02, -0.04, -0.3, -1.05, -0.4, -1.09, -1.36, 0.22, -1.11};
  static final int[] X2 = {1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0,
      1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
  private static final List<String> COVARIATES = List.of("x1", "x2");

  /** stratum: "s" + index % 2 when stratified; weight 1 + index % 3 when weighted. */
  private static Dataset<Row> subjects(boolean stratified, boolean weighted) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < TIME.length; i++) {
      rows.add(RowFactory.create(stratified ? "s" + i % 2 : "all", (double) TIME[i], EVENT[i] == 1,
          weighted ? 1.0 + i % 3 : 1.0, X1[i], (double) X2[i]));
    }
    return TestSpark.session().createDataFrame(rows, new StructType().add("stratum", "string").add("time", "double")
        .add("event", "boolean").add("weight", "double").add("x1", "double").add("x2", "double"));
  }

  private static Cox.Fit fit(Dataset<Row> data, Cox.Ties ties) {
    try (CoxSubjects subjects = CoxSubjects.of(CoxData.centered(data, COVARIATES), COVARIATES)) {
      return Cox.fit(subjects::sums, 2, ties, 30, 1e-10);
    }
  }

  private static void assertFit(Cox.Fit f, double[] beta, double[] se, double ll, String what) {
    for (int j = 0; j < 2; j++) {
      assertEquals(beta[j], f.beta()[j], 1e-6, what + " coefficient " + j);
      assertEquals(se[j], f.stdErrors()[j], 1e-6, what + " standard error " + j);
    }
    assertEquals(ll, f.logLikelihood(), 1e-6, what + " log partial likelihood");
    assertTrue(f.converged(), what);
  }

  @Test
  void coxMatchesStatsmodelsForBothTieMethodsStrataAndWeights() {
    // statsmodels PHReg(time, [x1, x2], status, ties=...).fit(): params, bse, llf
    Cox.Fit efron = fit(subjects(false, false), Cox.Ties.EFRON);
    assertFit(efron, new double[] {1.3316020579361623, 0.09662946160086483},
        new double[] {0.3275465305721279, 0.4812623821128376}, -49.76700789454918, "efron");
    assertFit(fit(subjects(false, false), Cox.Ties.BRESLOW), new double[] {1.272603535660329, 0.12445668955669897},
        new double[] {0.3238973899059606, 0.4807434721620043}, -51.1082164931961, "breslow");
    // strata=index % 2
    assertFit(fit(subjects(true, false), Cox.Ties.EFRON), new double[] {1.4736162113445723, 0.17920057314625024},
        new double[] {0.37715646446658496, 0.5253175748304314}, -36.210362324440176, "efron, strata");
    assertFit(fit(subjects(true, false), Cox.Ties.BRESLOW), new double[] {1.4322844647455706, 0.167640469678521},
        new double[] {0.3739679321446472, 0.5245255749668514}, -37.623904412571406, "breslow, strata");
    // Breslow with integer weights is the fit on rows repeated that many times (statsmodels has no weights)
    assertFit(fit(subjects(false, true), Cox.Ties.BRESLOW), new double[] {1.5090385132001158, 0.09996511637822575},
        new double[] {0.2632380867245907, 0.3577400243720144}, -113.7122143094645, "breslow, weights");
    // the null model: beta = 0 gives the start's log likelihood, and the LR test is 2 x the gain
    assertEquals(2 * (efron.logLikelihood() - efron.nullLogLikelihood()), efron.likelihoodRatio(), 1e-12);
    assertTrue(efron.likelihoodRatioP() < 0.01);
  }

  @Test
  void coxOfTheLeukaemiaTrial() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      rows.add(RowFactory.create("all", MP_TIME[i], MP_EVENT[i] == 1, 1.0, 0.0));
      rows.add(RowFactory.create("all", PLACEBO_TIME[i], true, 1.0, 1.0));
    }
    Dataset<Row> data = TestSpark.session().createDataFrame(rows, new StructType().add("stratum", "string")
        .add("time", "double").add("event", "boolean").add("weight", "double").add("placebo", "double"));
    // R coxph on MASS::gehan: placebo 1.572 (se 0.412) with Efron ties, 1.509 (0.410) with Breslow;
    // statsmodels PHReg: 1.572125148829 (0.412396717709), 1.509191412586 (0.409564406367)
    double[][] expected = {{1.572125148829, 0.412396717709}, {1.509191412586, 0.409564406367}};
    Cox.Ties[] ties = {Cox.Ties.EFRON, Cox.Ties.BRESLOW};
    for (int k = 0; k < 2; k++) {
      Cox.Fit f;
      try (CoxSubjects subjects = CoxSubjects.of(data, List.of("placebo"))) {
        f = Cox.fit(subjects::sums, 1, ties[k], 30, 1e-10);
      }
      assertEquals(expected[k][0], f.beta()[0], 1e-6, ties[k].name());
      assertEquals(expected[k][1], f.stdErrors()[0], 1e-6, ties[k].name());
      assertEquals(4.82, Math.exp(f.beta()[0]), k == 0 ? 0.005 : 0.35, "hazard ratio");
    }
  }

  @Test
  void concordanceCountsOrderedPairs() {
    // brute force over all pairs (Python, the definition in CoxData.concordance) at statsmodels' efron fit
    Dataset<Row> data = subjects(false, false);
    double[] beta = {1.3316020579361623, 0.09662946160086483};
    assertEquals(0.7749469214437368, CoxData.concordance(data, COVARIATES, beta, 1000), 1e-12);
    assertEquals(0.7792207792207793, CoxData.concordance(subjects(true, false), COVARIATES,
        new double[] {1.4736162113445723, 0.17920057314625024}, 1000), 1e-12, "pairs within strata only");
    double binned = CoxData.concordance(data, COVARIATES, beta, 4);
    assertTrue(binned < 0.7749469214437368 && binned > 0.6, "4 score bins pull towards 0.5: " + binned);
  }

  @Test
  void intervalsOfConstantCovariatesChangeNothing() {
    // each subject split at 2.5 and 6.5 into counting-process intervals (entry, time] with the
    // same covariates: the partial likelihood, and so the fit and the concordance, are the same
    Dataset<Row> whole = subjects(false, false);
    List<Row> rows = new ArrayList<>();
    for (Row r : whole.collectAsList()) {
      double entry = Double.NaN;
      for (double cut : new double[] {2.5, 6.5, Double.POSITIVE_INFINITY}) {
        double end = Math.min(cut, r.getDouble(1));
        if (Double.isNaN(entry) || end > entry) {
          rows.add(RowFactory.create("all", end, r.getBoolean(2) && end == r.getDouble(1), 1.0, r.getDouble(4), r.getDouble(5),
              Double.isNaN(entry) ? null : entry));
        }
        entry = end;
      }
    }
    Dataset<Row> split = TestSpark.session().createDataFrame(rows, whole.schema().add("entry", "double"));
    assertTrue(split.count() > 80, "most subjects are split");
    for (Cox.Ties ties : Cox.Ties.values()) {
      Cox.Fit a = fit(whole, ties);
      Cox.Fit b = fit(split, ties);
      assertFit(b, a.beta(), a.stdErrors(), a.logLikelihood(), ties + " split");
    }
    double[] beta = {1.3316020579361623, 0.09662946160086483};
    assertEquals(0.7749469214437368, CoxData.concordance(split, COVARIATES, beta, 1000), 1e-12,
        "each pair compared once, in the interval at risk at the earlier event");
  }

  @Test
  void proportionalHazardsScoreTest() {
    // statsmodels on the data split at every event time with x_k * g(t) as a time-varying
    // covariate, g = 1 - the pooled KM just before t: the score statistic at (beta-hat, 0)
    // (statsmodels counts a subject at risk at its entry time, R and cxlake from just after it:
    // the split's entries are its previous event times + 1e-6; the split alone reproduces the fit)
    double[][] expected = {{4.7641970025415015, 1.140275783860417, 6.262956524402092},
        {4.7452580122757455, 0.8623004667414647, 5.967921347190267}};
    Cox.Ties[] ties = {Cox.Ties.EFRON, Cox.Ties.BRESLOW};
    for (int k = 0; k < 2; k++) {
      Cox.Fit f = fit(subjects(false, false), ties[k]);
      double[][] pooled = perTimeAll();
      double[] g = Cox.kmTransform(f.atEstimate().eventTimes(), KaplanMeier.fit(pooled[0], pooled[1], pooled[2], 1.96));
      List<Cox.PhTest> tests = Cox.phTests(f, g, COVARIATES);
      assertEquals(expected[k][0], tests.get(0).chiSquared(), 1e-6, ties[k] + " x1");
      assertEquals(expected[k][1], tests.get(1).chiSquared(), 1e-6, ties[k] + " x2");
      assertEquals("GLOBAL", tests.get(2).covariate());
      assertEquals(expected[k][2], tests.get(2).chiSquared(), 1e-6, ties[k] + " global");
      assertEquals(2, tests.get(2).degreesOfFreedom());
    }
  }

  /** The pooled (unweighted) KM input of the 40 subjects. */
  private static double[][] perTimeAll() {
    double[] t = new double[TIME.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = TIME[i];
    }
    return perTime(t, EVENT);
  }
}
