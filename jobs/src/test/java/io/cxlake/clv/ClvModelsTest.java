package io.cxlake.clv;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * BG/NBD and Gamma-Gamma against published figures and an independent implementation: SciPy
 * (scipy.special.gammaln and hyp2f1, scipy.optimize) on the same inputs.
 */
class ClvModelsTest {
  /** Fader, Hardie & Lee (2005) and Fader & Hardie (2013): the CDNOW estimates. */
  private static final double[] CDNOW = {0.243, 4.414, 0.793, 2.426};
  private static final double[] CDNOW_SPEND = {6.25, 3.74, 15.44};

  @Test
  void hypergeometricMatchesClosedFormsAndScipy() {
    assertEquals(2 * Math.log(2), Hypergeometric.f21(1, 1, 2, 0.5), 1e-14);        // −ln(1−z)/z
    assertEquals(Math.PI / 3, Hypergeometric.f21(0.5, 0.5, 1.5, 0.25), 1e-14);     // arcsin(√z)/√z
    assertEquals(5.183894044038411, Hypergeometric.f21(2.243, 4.426, 4.219, 0.5009), 1e-12);
    assertEquals(9.114516240910287, Hypergeometric.f21(3.5, 1.2, 4.0, 0.9), 1e-11);
    assertEquals(0.9920752112466595, Hypergeometric.f21(0.3, -0.2, 8.0, 0.99), 1e-13);
    assertEquals(1.0, Hypergeometric.f21(3, 4, 5, 0), 0);
    assertThrows(IllegalArgumentException.class, () -> Hypergeometric.f21(1, 1, 2, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Hypergeometric.f21(1, 1, -2, 0.5));
  }

  @Test
  void bgNbdLikelihoodAndPredictionsAtThePaperEstimates() {
    // ln L per customer, SciPy with the same formula (equation 6)
    assertEquals(-0.5547132764381585, BgNbd.logLikelihood(CDNOW, 0, 0, 38.86), 1e-12);
    assertEquals(-9.45860630706627, BgNbd.logLikelihood(CDNOW, 2, 30.43, 38.86), 1e-12);
    assertEquals(-4.469093275032588, BgNbd.logLikelihood(CDNOW, 1, 1.71, 38.86), 1e-12);
    assertEquals(-17.79681770452615, BgNbd.logLikelihood(CDNOW, 5, 35.0, 38.0), 1e-12);
    // the paper's worked example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks
    assertEquals(1.226, BgNbd.expectedPurchases(CDNOW, 39, 2, 30.43, 38.86), 5e-4);
    assertEquals(1.226028174767135, BgNbd.expectedPurchases(CDNOW, 39, 2, 30.43, 38.86), 1e-10);
    assertEquals(0.19509805201125396, BgNbd.expectedPurchases(CDNOW, 39, 0, 0, 38.86), 1e-10);
    assertEquals(5.728681664346136, BgNbd.expectedPurchases(CDNOW, 52, 7, 35.0, 38.0), 1e-9);
    // a heavy buyer: Euler's transformation keeps the series tame (SciPy's hyp2f1 on the original form)
    assertEquals(33.39119799906651, BgNbd.expectedPurchases(CDNOW, 39, 50, 38.0, 38.86), 1e-8);
    assertEquals(0.726578570080673, BgNbd.pAlive(CDNOW, 2, 30.43, 38.86), 1e-12);
    assertEquals(0.2121009853773791, BgNbd.pAlive(CDNOW, 1, 1.71, 38.86), 1e-12);
    assertEquals(1.0, BgNbd.pAlive(CDNOW, 0, 0, 38.86), 0);
  }

  @Test
  void gammaGammaLikelihoodAndExpectedSpend() {
    assertEquals(-3.551316759731698, GammaGamma.logLikelihood(CDNOW_SPEND, 2, 22.35), 1e-12);
    // E[M | x, m] = p(γ + x m) / (px + q − 1); with no repeat purchase, the population mean pγ/(q−1)
    assertEquals(6.25 * (15.44 + 2 * 22.35) / (6.25 * 2 + 3.74 - 1), GammaGamma.expectedSpend(CDNOW_SPEND, 2, 22.35), 1e-12);
    assertEquals(35.21897810218978, GammaGamma.expectedSpend(CDNOW_SPEND, 0, 0), 1e-10);
  }

  /**
   * The same estimates whether the likelihood is summed in Spark (driverSummaries 0) or over the
   * collected distinct summaries on the driver (500 customers, the default).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, SummaryFit.DRIVER_SUMMARIES})
  void fitsMatchScipyOnSimulatedCustomers(int driverSummaries) throws IOException {
    SparkSession spark = TestSpark.session();
    List<Row> rows = new ArrayList<>();
    try (InputStream in = getClass().getResourceAsStream("/clv/simulated-customers.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          String[] f = line.trim().split(" ");
          rows.add(RowFactory.create(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
              Double.parseDouble(f[3])));
        }
      }
    }
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("t_x", DataTypes.DoubleType)
        .add("T", DataTypes.DoubleType).add("m", DataTypes.DoubleType);
    Dataset<Row> customers = spark.createDataFrame(rows, schema).repartition(3).cache();
    try {
      SummaryFit.Fit bg = SummaryFit.fit(customers, BgNbd.MODEL, driverSummaries);
      // SciPy (Nelder-Mead, then BFGS, on the same likelihood): r, α, a, b and ln L
      double[] expected = {0.53687181, 6.67848516, 0.61012484, 1.72573587};
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], bg.theta()[i], expected[i] * 1e-4, BgNbd.MODEL.names().get(i));
      }
      assertEquals(-3360.9944024635197, bg.logLikelihood(), 1e-6);
      assertEquals(500, bg.customers());
      // standard errors from the observed information (SciPy: finite-difference Hessian in θ)
      double[] se = {0.05178625, 0.94935514, 0.20055223, 0.72256166};
      for (int i = 0; i < se.length; i++) {
        assertEquals(se[i], bg.standardErrors()[i], se[i] * 0.01, "se of " + BgNbd.MODEL.names().get(i));
      }
      SummaryFit.Fit gg = SummaryFit.fit(customers.where(col("x").gt(0)), GammaGamma.MODEL, driverSummaries);
      double[] spend = {5.30574255, 3.81045871, 16.01782351};
      for (int i = 0; i < spend.length; i++) {
        assertEquals(spend[i], gg.theta()[i], spend[i] * 1e-4, GammaGamma.MODEL.names().get(i));
      }
      assertEquals(-1338.8606665720972, gg.logLikelihood(), 1e-6);
      assertEquals(322, gg.customers());
    } finally {
      customers.unpersist();
    }
  }
}
