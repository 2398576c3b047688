package io.cxlake.segment;

import io.cxlake.platform.DriverRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansAggregator;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.clustering.KMeansSummary;
import org.apache.spark.ml.feature.Instance;
import org.apache.spark.ml.feature.InstanceBlock;
import org.apache.spark.ml.feature.InstanceBlock$;
import org.apache.spark.ml.linalg.BLAS$;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseMatrix$;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.mllib.clustering.DistanceMeasure;
import org.apache.spark.mllib.clustering.DistanceMeasure$;
import org.apache.spark.mllib.clustering.LocalKMeans$;
import org.apache.spark.mllib.clustering.VectorWithNorm;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.Utils;
import org.apache.spark.util.random.BernoulliSampler;
import org.apache.spark.util.random.SamplingUtils;
import org.apache.spark.util.random.XORShiftRandom;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The customers one k-means is fitted on. Up to {@link #DRIVER_ROWS} rows, the fit runs on the
 * driver: MLlib 4.0's k-means (k-means|| start, block solver) step for step, with MLlib's own
 * distance, k-means++ and block aggregator code and the same random draws, and the same model and
 * summary objects, so the clusters equal MLlib's. In Spark a fit is some 15 jobs of a few
 * milliseconds' work each; the k sweep makes 24 fits. More rows, or settings this path does not
 * repeat (another distance, initialisation or solver, weights): MLlib's fit in Spark.
 */
final class KMeansCorpus {
  /** Rows collected to the driver at most (each a vector of the few cluster features). */
  static final int DRIVER_ROWS = 20_000;

  private final Dataset<Row> rows;
  /** The rows' features with their partitions; null when the rows stay in Spark. */
  private final DriverRows collected;
  private final Vector[] features;

  private KMeansCorpus(Dataset<Row> rows, DriverRows collected) {
    this.rows = rows;
    this.collected = collected;
    this.features = collected == null ? null : collected.values().toArray(Vector[]::new);
  }

  /** @param rows the rows in the partitions and order Spark's fit would read them */
  static KMeansCorpus of(Dataset<Row> rows, String featuresCol) {
    return new KMeansCorpus(rows, DriverRows.collect(rows, featuresCol, DRIVER_ROWS));
  }

  boolean onDriver() {
    return collected != null;
  }

  /** The model {@code kmeans.fit(rows)} gives. */
  KMeansModel fit(KMeans kmeans) {
    boolean repeatable = onDriver() && features.length > kmeans.getK()
        && kmeans.getInitMode().equals("k-means||") && kmeans.getDistanceMeasure().equals("euclidean")
        && !kmeans.isDefined(kmeans.weightCol()) && !kmeans.getSolver().equals("row") && blockSolver(kmeans);
    if (!repeatable) {
      return kmeans.fit(rows);
    }
    Vector[] centers = initialCentres(kmeans);
    int k = kmeans.getK();
    int dims = centers[0].size();
    List<List<InstanceBlock>> blocks = blocks(kmeans);
    boolean converged = false;
    double cost = 0;
    int iteration = 0;
    while (iteration < kmeans.getMaxIter() && !converged) {
      DenseMatrix centreMatrix = DenseMatrix$.MODULE$.fromVectors(
          CollectionConverters.asScala(List.of(centers)).toList());
      double costSum = 0;
      Map<Integer, double[]> sums = new LinkedHashMap<>();
      Map<Integer, Double> weights = new LinkedHashMap<>();
      for (List<InstanceBlock> partitionBlocks : blocks) {
        if (partitionBlocks.isEmpty()) {
          continue;
        }
        KMeansAggregator agg = new KMeansAggregator(centreMatrix, k, dims, "euclidean");
        partitionBlocks.forEach(agg::add);
        costSum += agg.costSum();
        for (int i = 0; i < k; i++) {
          double w = agg.weightSumVec().apply(i);
          if (w > 0) {
            double[] row = new double[dims];
            for (int j = 0; j < dims; j++) {
              row[j] = agg.sumMat().apply(i, j);
            }
            double[] sum = sums.get(i);
            if (sum == null) {
              sums.put(i, row);
              weights.put(i, w);
            } else {
              BLAS$.MODULE$.axpy(1.0, Vectors.dense(row), Vectors.dense(sum));
              weights.put(i, weights.get(i) + w);
            }
          }
        }
      }
      converged = true;
      for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
        Vector centre = Vectors.dense(e.getValue());
        BLAS$.MODULE$.scal(1.0 / weights.get(e.getKey()), centre);
        if (converged && Math.sqrt(Vectors.sqdist(centers[e.getKey()], centre)) > kmeans.getTol()) {
          converged = false;
        }
        centers[e.getKey()] = centre;
      }
      cost = costSum;
      iteration++;
    }
    org.apache.spark.mllib.linalg.Vector[] old = new org.apache.spark.mllib.linalg.Vector[centers.length];
    for (int i = 0; i < centers.length; i++) {
      old[i] = org.apache.spark.mllib.linalg.Vectors.fromML(centers[i]);
    }
    KMeansModel model = kmeans.copyValues(new KMeansModel(kmeans.uid(),
        new org.apache.spark.mllib.clustering.KMeansModel(old, "euclidean", cost, iteration)).setParent(kmeans),
        ParamMap.empty());
    model.setSummary(scala.Option.apply(new KMeansSummary(model.transform(rows), kmeans.getPredictionCol(),
        kmeans.getFeaturesCol(), k, iteration, cost)));
    return model;
  }

  /** KMeans.preferBlockSolver for solver auto: at least half the feature values are non-zero. */
  private boolean blockSolver(KMeans kmeans) {
    if (kmeans.getSolver().equals("block")) {
      return true;
    }
    long nonZeros = 0;
    for (Vector v : features) {
      nonZeros += v.numNonzeros();
    }
    return nonZeros >= features.length * (double) features[0].size() * 0.5;
  }

  /** Per partition, the instances (squared norm as label, weight 1) in MLlib's blocks. */
  private List<List<InstanceBlock>> blocks(KMeans kmeans) {
    double blockMb = kmeans.getMaxBlockSizeInMB() == 0 ? InstanceBlock$.MODULE$.DefaultBlockSizeInMB()
        : kmeans.getMaxBlockSizeInMB();
    long maxMemory = (long) Math.ceil(blockMb * 1024L * 1024L);
    List<List<InstanceBlock>> out = new ArrayList<>();
    for (List<Integer> rowsOfPartition : collected.byPartition()) {
      List<Instance> instances = new ArrayList<>();
      for (int r : rowsOfPartition) {
        instances.add(new Instance(BLAS$.MODULE$.dot(features[r], features[r]), 1.0, features[r]));
      }
      out.add(new ArrayList<>(CollectionConverters.asJava(InstanceBlock$.MODULE$.blokifyWithMaxMemUsage(
          CollectionConverters.asScala(instances.iterator()), maxMemory).toList())));
    }
    return out;
  }

  /** KMeans.initKMeansParallel (k-means||, Bahmani et al., VLDB 2012) as MLlib runs it. */
  private Vector[] initialCentres(KMeans kmeans) {
    int k = kmeans.getK();
    DistanceMeasure distance = DistanceMeasure$.MODULE$.decodeFromString("euclidean");
    List<List<Integer>> parts = collected.byPartition();
    VectorWithNorm[] points = new VectorWithNorm[features.length];
    for (int r = 0; r < features.length; r++) {
      points[r] = new VectorWithNorm(org.apache.spark.mllib.linalg.Vectors.fromML(features[r]));
    }
    int seed = new XORShiftRandom(kmeans.getSeed()).nextInt();
    List<VectorWithNorm> centres = new ArrayList<>();
    List<VectorWithNorm> newCentres = List.of(points[takeOne(seed, parts)].toDense());
    centres.addAll(newCentres);
    double[] costs = new double[points.length];
    java.util.Arrays.fill(costs, Double.POSITIVE_INFINITY);
    for (int step = 0; step < kmeans.getInitSteps(); step++) {
      VectorWithNorm[] added = newCentres.toArray(VectorWithNorm[]::new);
      double sumCosts = 0;
      for (List<Integer> part : parts) {
        double partSum = 0;
        for (int r : part) {
          costs[r] = Math.min(distance.pointCost(added, points[r]), costs[r]);
          partSum += costs[r];
        }
        sumCosts += partSum;
      }
      List<VectorWithNorm> chosen = new ArrayList<>();
      for (int p = 0; p < parts.size(); p++) {
        XORShiftRandom rand = new XORShiftRandom(seed ^ (step << 16) ^ p);
        for (int r : parts.get(p)) {
          if (rand.nextDouble() < 2.0 * costs[r] * k / sumCosts) {
            chosen.add(points[r].toDense());
          }
        }
      }
      newCentres = chosen;
      centres.addAll(chosen);
    }
    List<org.apache.spark.mllib.linalg.Vector> distinct = new ArrayList<>();
    for (VectorWithNorm c : centres) {
      if (!distinct.contains(c.vector())) {
        distinct.add(c.vector());
      }
    }
    VectorWithNorm[] candidates = distinct.stream().map(VectorWithNorm::new).toArray(VectorWithNorm[]::new);
    VectorWithNorm[] picked = candidates;
    if (candidates.length > k) {
      double[] weights = new double[candidates.length];
      for (VectorWithNorm point : points) {
        weights[(Integer) distance.findClosest(candidates, point)._1()] += 1;
      }
      picked = LocalKMeans$.MODULE$.kMeansPlusPlus(0, candidates, weights, k, 30);
    }
    Vector[] out = new Vector[picked.length];
    for (int i = 0; i < picked.length; i++) {
      out[i] = picked[i].vector().asML();
    }
    return out;
  }

  /** The row {@code rdd.takeSample(false, 1, seed)} returns: Bernoulli samples until one is non-empty, shuffled. */
  private int takeOne(long seed, List<List<Integer>> parts) {
    Random rand = new Random(seed);
    if (features.length <= 1) {
      return 0;
    }
    double fraction = SamplingUtils.computeFractionForSampleSize(1, features.length, false);
    Integer[] sample;
    do {
      Random partitionSeeds = new Random(rand.nextInt());
      List<Integer> kept = new ArrayList<>();
      for (List<Integer> part : parts) {
        BernoulliSampler<Object> sampler = new BernoulliSampler<>(fraction, scala.reflect.ClassTag$.MODULE$.Any());
        sampler.setSeed(partitionSeeds.nextLong());
        for (int r : part) {
          if (sampler.sample() > 0) {
            kept.add(r);
          }
        }
      }
      sample = kept.toArray(Integer[]::new);
    } while (sample.length < 1);
    Utils.randomizeInPlace(sample, rand);
    return sample[0];
  }
}
