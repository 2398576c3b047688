package io.cxlake.text;

import breeze.linalg.DenseMatrix;
import breeze.linalg.DenseVector;
import breeze.stats.distributions.Gamma;
import breeze.stats.distributions.RandBasis;
import java.util.Random;
import io.cxlake.platform.DriverRows;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.spark.ml.clustering.LDA;
import org.apache.spark.ml.clustering.LDAModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.mllib.clustering.OnlineLDAOptimizer$;
import org.apache.spark.mllib.linalg.Matrices;
import org.apache.spark.mllib.linalg.SparseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple3;

/**
 * The texts one LDA is fitted on. Up to {@link #DRIVER_TEXTS} texts, the fit runs on the driver:
 * MLlib 4.0's online LDA (OnlineLDAOptimizer) step for step, with MLlib's own per-text
 * inference, the same random draws (starting topics, Poisson mini-batches, per-partition seeds)
 * and the same model object, so the topics equal MLlib's. In Spark each of the 60 iterations is
 * two jobs over a few hundred texts: 20 s for one language's four restarts on the samples,
 * against about a second here. More texts: MLlib's fit in Spark.
 */
final class LdaCorpus {
  /** Texts collected to the driver at most (each a sparse vector of a few terms). */
  static final int DRIVER_TEXTS = 20_000;
  /** OnlineLDAOptimizer's gammaShape (fixed in MLlib). */
  private static final double GAMMA_SHAPE = 100;

  private final Dataset<Row> docs;
  /** Per text, the partition Spark's fit would see it in; null when the corpus stays in Spark. */
  private final int[] partition;
  private final Vector[] counts;

  private LdaCorpus(Dataset<Row> docs, int[] partition, Vector[] counts) {
    this.docs = docs;
    this.partition = partition;
    this.counts = counts;
  }

  /**
   * @param docs texts with a term-count vector in {@code featuresCol}, in the partitions and order
   *             Spark's fit would read them (online LDA seeds each partition's inference apart)
   */
  static LdaCorpus of(Dataset<Row> docs, String featuresCol) {
    DriverRows rows = DriverRows.collect(docs, featuresCol, DRIVER_TEXTS);
    if (rows == null) {
      return new LdaCorpus(docs, null, null);
    }
    Vector[] counts = rows.values().stream()
        .map(v -> Vectors.fromML((org.apache.spark.ml.linalg.Vector) v)).toArray(Vector[]::new);
    return new LdaCorpus(docs, rows.partition(), counts);
  }

  boolean onDriver() {
    return partition != null;
  }

  int size() {
    return partition == null ? -1 : partition.length;
  }

  /** The model {@code lda.fit(docs)} gives (online optimizer, subsampling rate 1). */
  LDAModel fit(LDA lda) {
    if (!onDriver() || partition.length == 0) {
      return lda.fit(docs);
    }
    if (!lda.getOptimizer().equalsIgnoreCase("online") || lda.getSubsamplingRate() != 1.0) {
      throw new IllegalArgumentException("the driver fit is online LDA on the whole corpus per iteration");
    }
    return new OnlineFit(lda, counts, partition).run(docs);
  }

  /** OnlineLDAOptimizer.initialize, next, submitMiniBatch, updateLambda, updateAlpha and getLDAModel. */
  private static final class OnlineFit {
    private final LDA lda;
    private final Vector[] counts;
    private final int[] partition;
    private final int k;
    private final int vocabSize;
    private final double eta;
    private final double tau0;
    private final double kappa;
    private final boolean optimizeAlpha;
    private final Random random;
    /** λ, k × vocabSize, row-major. */
    private final double[] lambda;
    private double[] alpha;
    private int iteration;

    OnlineFit(LDA lda, Vector[] counts, int[] partition) {
      this.lda = lda;
      this.counts = counts;
      this.partition = partition;
      k = lda.getK();
      vocabSize = counts[0].size();
      double[] given = lda.isSet(lda.docConcentration()) ? lda.getDocConcentration() : new double[] {-1};
      alpha = new double[k];
      for (int t = 0; t < k; t++) {
        alpha[t] = given.length == k ? given[t] : given[0] == -1 ? 1.0 / k : given[0];
      }
      double topicConcentration = lda.isSet(lda.topicConcentration()) ? lda.getTopicConcentration() : -1;
      eta = topicConcentration == -1 ? 1.0 / k : topicConcentration;
      tau0 = lda.getLearningOffset();
      kappa = lda.getLearningDecay();
      optimizeAlpha = lda.getOptimizeDocConcentration();
      random = new Random(lda.getSeed());
      // getGammaMatrix: k × vocabSize draws, row by row
      Gamma gamma = new Gamma(GAMMA_SHAPE, 1.0 / GAMMA_SHAPE, new RandBasis(new MersenneTwister(random.nextLong())));
      lambda = new double[k * vocabSize];
      for (int i = 0; i < lambda.length; i++) {
        lambda[i] = gamma.draw();
      }
    }

    LDAModel run(Dataset<Row> docs) {
      for (int i = 0; i < lda.getMaxIter(); i++) {
        int[] copies = miniBatch(random.nextLong());
        if (java.util.Arrays.stream(copies).allMatch(c -> c == 0)) {
          continue; // an empty mini-batch: Spark skips the iteration
        }
        step(copies);
      }
      double[] topics = lambda.clone(); // vocabSize × k, column-major: the transpose of λ
      org.apache.spark.mllib.clustering.LocalLDAModel old = new org.apache.spark.mllib.clustering.LocalLDAModel(
          Matrices.dense(vocabSize, k, topics), Vectors.dense(alpha.clone()), eta, GAMMA_SHAPE)
          .setSeed(random.nextLong());
      org.apache.spark.ml.clustering.LocalLDAModel model = new org.apache.spark.ml.clustering.LocalLDAModel(
          lda.uid(), vocabSize, old, docs.sparkSession());
      return lda.copyValues(model, ParamMap.empty()).setParent(lda);
    }

    /**
     * How often each text is in this iteration's mini-batch. Spark samples it with replacement
     * even at a fraction of 1 (RDD.sample with a PoissonSampler): per partition, a seed drawn in
     * partition order from the sample's seed, then one Poisson(1) draw per text in order.
     */
    private int[] miniBatch(long sampleSeed) {
      Random partitionSeeds = new Random(sampleSeed);
      java.util.Map<Integer, PoissonDistribution> samplers = new java.util.HashMap<>();
      int partitions = java.util.Arrays.stream(partition).max().orElse(-1) + 1; // empty ones draw a seed too
      for (int p = 0; p < partitions; p++) {
        PoissonDistribution poisson = new PoissonDistribution(1.0);
        poisson.reseedRandomGenerator(partitionSeeds.nextLong());
        samplers.put(p, poisson);
      }
      int[] copies = new int[partition.length];
      for (int d = 0; d < partition.length; d++) {
        copies[d] = samplers.get(partition[d]).sample();
      }
      return copies;
    }

    private void step(int[] copies) {
      iteration++;
      double[] expElogbeta = new double[k * vocabSize];
      for (int t = 0; t < k; t++) {
        double rowSum = 0;
        for (int v = 0; v < vocabSize; v++) {
          rowSum += lambda[t * vocabSize + v];
        }
        double digammaSum = digamma(rowSum);
        for (int v = 0; v < vocabSize; v++) {
          expElogbeta[t * vocabSize + v] = Math.exp(digamma(lambda[t * vocabSize + v]) - digammaSum);
        }
      }
      // vocabSize × k column-major = expElogbeta.t as Spark passes it
      @SuppressWarnings("unchecked")
      DenseMatrix<Object> expElogbetaT = (DenseMatrix<Object>) Matrices.dense(vocabSize, k, expElogbeta).asBreeze();
      @SuppressWarnings("unchecked")
      breeze.linalg.Vector<Object> alphaBreeze = (breeze.linalg.Vector<Object>) Vectors.dense(alpha).asBreeze();
      long seed = random.nextLong();
      double[] stat = new double[k * vocabSize];
      double[] logphat = new double[k];
      long nonEmpty = 0;
      for (int d = 0; d < counts.length; d++) {
        Vector doc = counts[d];
        if (copies[d] == 0 || doc.numNonzeros() == 0) {
          continue;
        }
        nonEmpty += copies[d];
        Tuple3<DenseVector<Object>, DenseMatrix<Object>, scala.collection.immutable.List<Object>> inferred =
            OnlineLDAOptimizer$.MODULE$.variationalTopicInference(doc, expElogbetaT, alphaBreeze, GAMMA_SHAPE, k,
                seed + partition[d]);
        DenseMatrix<Object> sstats = inferred._2(); // k × ids
        int[] ids = doc instanceof SparseVector s ? s.indices() : range(doc.size());
        double[] e = optimizeAlpha
            ? dirichletExpectation(inferred._1().toArray$mcD$sp(scala.reflect.ClassTag$.MODULE$.Double())) : null;
        for (int c = 0; c < copies[d]; c++) { // a text drawn twice counts twice, as in Spark
          for (int j = 0; j < ids.length; j++) {
            for (int t = 0; t < k; t++) {
              stat[t * vocabSize + ids[j]] += sstats.apply$mcD$sp(t, j);
            }
          }
          for (int t = 0; e != null && t < k; t++) {
            logphat[t] += e[t];
          }
        }
      }
      if (nonEmpty == 0) {
        return;
      }
      double weight = Math.pow(tau0 + iteration, -kappa);
      double scale = (double) counts.length / Math.ceil(counts.length); // corpus size / batch size
      for (int i = 0; i < lambda.length; i++) {
        double batchResult = stat[i] * expElogbeta[i];
        lambda[i] = (1 - weight) * lambda[i] + weight * (batchResult * scale + eta);
      }
      if (optimizeAlpha) {
        for (int t = 0; t < k; t++) {
          logphat[t] /= nonEmpty;
        }
        updateAlpha(logphat, nonEmpty, weight);
      }
    }

    /** Newton step on α (Huang, "Maximum likelihood estimation of Dirichlet distribution parameters", §3.3). */
    private void updateAlpha(double[] logphat, double n, double weight) {
      double[] e = dirichletExpectation(alpha);
      double alphaSum = 0;
      for (double a : alpha) {
        alphaSum += a;
      }
      double c = n * trigamma(alphaSum);
      double[] gradf = new double[k];
      double[] q = new double[k];
      double gradOverQ = 0;
      double invQ = 0;
      for (int t = 0; t < k; t++) {
        gradf[t] = n * (-e[t] + logphat[t]);
        q[t] = -n * trigamma(alpha[t]);
        gradOverQ += gradf[t] / q[t];
        invQ += 1.0 / q[t];
      }
      double b = gradOverQ / (1.0 / c + invQ);
      double[] next = new double[k];
      for (int t = 0; t < k; t++) {
        double dalpha = -(gradf[t] - b) / q[t];
        if (!(weight * dalpha + alpha[t] > 0)) {
          return;
        }
        next[t] = alpha[t] + weight * dalpha;
      }
      alpha = next;
    }
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** E[log θ] under Dirichlet(a): ψ(a_i) − ψ(Σa). */
  static double[] dirichletExpectation(double[] a) {
    double sum = 0;
    for (double x : a) {
      sum += x;
    }
    double digammaSum = digamma(sum);
    double[] e = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      e[i] = digamma(a[i]) - digammaSum;
    }
    return e;
  }

  /** Breeze's digamma, as Spark's LDA uses it. */
  private static double digamma(double x) {
    return breeze.numerics.package$digamma$digammaImplDouble$.MODULE$.apply(x);
  }

  private static double trigamma(double x) {
    return breeze.numerics.package$trigamma$trigammaImplDouble$.MODULE$.apply(x);
  }
}
