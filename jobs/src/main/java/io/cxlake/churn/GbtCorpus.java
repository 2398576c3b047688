package io.cxlake.churn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.impl.Utils;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.LearningNode;
import org.apache.spark.ml.tree.Split;
import org.apache.spark.ml.tree.impl.DTStatsAggregator;
import org.apache.spark.ml.tree.impl.DecisionTreeMetadata;
import org.apache.spark.ml.tree.impl.GradientBoostedTrees$;
import org.apache.spark.ml.tree.impl.RandomForest$;
import org.apache.spark.ml.tree.impl.TreePoint;
import org.apache.spark.ml.util.MetadataUtils;
import org.apache.spark.mllib.tree.configuration.Algo$;
import org.apache.spark.mllib.tree.configuration.BoostingStrategy;
import org.apache.spark.mllib.tree.configuration.Strategy;
import org.apache.spark.mllib.tree.impurity.Variance$;
import org.apache.spark.mllib.tree.model.ImpurityStats;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.random.BernoulliSampler;
import org.apache.spark.util.random.XORShiftRandom;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Gradient-boosted trees fitted on the driver when the rows are few: MLlib 4.0's
 * {@code GBTClassifier} (labels to ±1, {@code GradientBoostedTrees.boost}, one regression tree per
 * iteration on the log-loss pseudo-residuals) step for step, with MLlib's own split finding per
 * continuous feature, the same binning, MLlib's bin aggregator and best-split search per node, the
 * same leaf rules and MLlib's tree and ensemble models. In Spark every level of every tree is a
 * job (with a shuffle) of a few milliseconds' work: 40 trees of depth 3 are some 170 jobs a fit.
 * Up to {@link DriverInstances#MAX_ROWS} rows, with MLlib's sample for the split thresholds
 * above max(maxBins², 10,000) rows; more rows, or settings this path does not repeat
 * (subsampling, feature subsets, another loss, validation rows), use MLlib's fit in Spark.
 */
final class GbtCorpus {
  private GbtCorpus() {}

  /** The model {@code gbt.fit(rows)} gives, fitted on the driver when it can be. */
  static GBTClassificationModel fit(GBTClassifier gbt, Dataset<Row> rows) {
    if (!repeatable(gbt)) {
      return gbt.fit(rows);
    }
    // extractInstances, then GradientBoostedTrees.run maps the labels to -1 and +1
    DriverInstances collected = DriverInstances.collect(rows, gbt.getLabelCol(),
        gbt.isDefined(gbt.weightCol()) ? gbt.getWeightCol() : null, gbt.getFeaturesCol(), DriverInstances.MAX_ROWS);
    if (collected == null) {
      return gbt.fit(rows);
    }
    List<List<Integer>> partitions = collected.partitions();
    Vector[] features = collected.features();
    double[] weight = collected.weight();
    double[] label = new double[collected.size()];
    for (int i = 0; i < label.length; i++) {
      label[i] = collected.label()[i] * 2 - 1;
    }
    scala.collection.immutable.Map<Object, Object> categorical =
        MetadataUtils.getCategoricalFeatures(rows.schema().apply(gbt.getFeaturesCol()));
    BoostingStrategy boosting = gbt.getOldBoostingStrategy(categorical, Algo$.MODULE$.Classification());
    boosting.assertValid();
    Strategy tree = boosting.treeStrategy().copy();
    tree.algo_$eq(Algo$.MODULE$.Regression());
    tree.impurity_$eq(Variance$.MODULE$);
    tree.assertValid();

    DecisionTreeMetadata metadata = metadata(tree, features, weight, partitions);
    if (metadata == null) {
      return gbt.fit(rows); // a categorical feature with more values than bins: MLlib's message
    }
    Split[][] splits = splits(metadata, features, weight, splitSample(metadata, partitions, gbt.getSeed()));
    TreePoint[] points = points(metadata, splits, features, label, weight);

    int iterations = boosting.numIterations();
    DecisionTreeRegressionModel[] trees = new DecisionTreeRegressionModel[iterations];
    double[] treeWeights = new double[iterations];
    double[] prediction = new double[points.length];
    for (int m = 0; m < iterations; m++) {
      TreePoint[] input = points;
      if (m > 0) { // the pseudo-residuals of the log loss
        input = new TreePoint[points.length];
        for (int i = 0; i < points.length; i++) {
          input[i] = new TreePoint(-boosting.loss().gradient(prediction[i], points[i].label()),
              points[i].binnedFeatures(), points[i].weight());
        }
      }
      trees[m] = tree(input, metadata, splits, partitions);
      treeWeights[m] = m == 0 ? 1.0 : boosting.learningRate();
      for (int i = 0; i < points.length; i++) {
        prediction[i] = GradientBoostedTrees$.MODULE$.updatePrediction(points[i], prediction[i], trees[m],
            treeWeights[m], splits);
      }
    }
    for (DecisionTreeRegressionModel t : trees) {
      gbt.copyValues(t, ParamMap.empty());
    }
    GBTClassificationModel model = new GBTClassificationModel(gbt.uid(), trees, treeWeights, features[0].size());
    // Predictor.fit: the parent and the estimator's params once more
    return gbt.copyValues(model.setParent(gbt), ParamMap.empty());
  }

  /** The settings GradientBoostedTrees.boost runs with here: no sampling, all features, log loss. */
  private static boolean repeatable(GBTClassifier gbt) {
    return gbt.getSubsamplingRate() == 1.0 && List.of("all", "auto").contains(gbt.getFeatureSubsetStrategy())
        && gbt.getLossType().equals("logistic") && gbt.getImpurity().equals("variance")
        && !(gbt.isDefined(gbt.validationIndicatorCol()) && !gbt.getValidationIndicatorCol().isEmpty())
        && !gbt.isSet(gbt.thresholds());
  }

  /** DecisionTreeMetadata.buildMetadata for one regression tree; null when a category has too many values. */
  private static DecisionTreeMetadata metadata(Strategy tree, Vector[] features, double[] weight,
      List<List<Integer>> partitions) {
    int numFeatures = features[0].size();
    double weightSum = 0;
    for (List<Integer> part : partitions) { // aggregate: per partition, then merged
      double partSum = 0;
      for (int i : part) {
        partSum += weight[i];
      }
      weightSum += partSum;
    }
    int maxPossibleBins = (int) Math.min(tree.maxBins(), (long) features.length);
    int[] numBins = new int[numFeatures];
    Arrays.fill(numBins, maxPossibleBins);
    for (Map.Entry<Object, Object> e : CollectionConverters.asJava(tree.categoricalFeaturesInfo()).entrySet()) {
      int arity = (Integer) e.getValue();
      if (arity > maxPossibleBins) {
        return null;
      }
      if (arity > 1) {
        numBins[(Integer) e.getKey()] = arity;
      }
    }
    return new DecisionTreeMetadata(numFeatures, features.length, weightSum, 0, Arrays.stream(numBins).max().getAsInt(),
        tree.categoricalFeaturesInfo(), scala.collection.immutable.Set$.MODULE$.empty(), numBins, tree.impurity(),
        tree.quantileCalculationStrategy(), tree.maxDepth(), tree.minInstancesPerNode(),
        tree.minWeightFractionPerNode(), tree.minInfoGain(), 1, numFeatures);
  }

  /**
   * The rows RandomForest.findSplits finds the thresholds on: all of them up to
   * max(maxBins², 10,000) rows, a Bernoulli sample of that expected size above. MLlib draws it
   * with {@code RDD.sample(false, fraction, new XORShiftRandom(seed).nextInt())}: each partition's
   * sampler is seeded, in partition order, from a {@code java.util.Random} with that seed. The
   * same seeds and Spark's own sampler draw the same rows here.
   */
  static List<List<Integer>> splitSample(DecisionTreeMetadata metadata, List<List<Integer>> partitions, long seed) {
    long required = Math.max((long) metadata.maxBins() * metadata.maxBins(), 10_000L);
    if (required >= metadata.numExamples()) {
      return partitions;
    }
    double fraction = (double) required / metadata.numExamples();
    java.util.Random seeds = new java.util.Random(new XORShiftRandom(seed).nextInt());
    List<List<Integer>> sample = new ArrayList<>();
    for (List<Integer> part : partitions) {
      BernoulliSampler<Integer> sampler = new BernoulliSampler<>(fraction, ClassTag$.MODULE$.apply(Integer.class));
      sampler.setSeed(seeds.nextLong());
      List<Integer> kept = new ArrayList<>();
      sampler.sample(CollectionConverters.asScala(part.iterator())).foreach(i -> kept.add((Integer) i));
      sample.add(kept);
    }
    return sample;
  }

  /**
   * RandomForest.findSplits on the rows of {@link #splitSample}: per continuous feature its
   * non-zero values with summed weights, per partition and merged, into MLlib's threshold search;
   * ordered categorical features get their splits while the trees grow.
   */
  private static Split[][] splits(DecisionTreeMetadata metadata, Vector[] features, double[] weight,
      List<List<Integer>> partitions) {
    Split[][] splits = new Split[metadata.numFeatures()][];
    for (int f = 0; f < metadata.numFeatures(); f++) {
      if (metadata.isCategorical(f)) {
        splits[f] = new Split[0];
        continue;
      }
      Map<Double, Double> valueWeights = new LinkedHashMap<>();
      long count = 0;
      for (List<Integer> part : partitions) {
        Map<Double, Double> partWeights = new LinkedHashMap<>();
        for (int i : part) {
          double v = features[i].apply(f);
          if (v != 0.0) {
            partWeights.merge(v, weight[i], Double::sum);
            count++;
          }
        }
        partWeights.forEach((v, w) -> valueWeights.merge(v, w, Double::sum));
      }
      double[] thresholds = new double[0];
      if (!valueWeights.isEmpty()) {
        scala.collection.immutable.Map<Object, Object> scalaMap = scala.collection.immutable.Map$.MODULE$.from(
            CollectionConverters.asScala(new LinkedHashMap<Object, Object>(valueWeights)));
        thresholds = RandomForest$.MODULE$.findSplitsForContinuousFeature(scalaMap, count, metadata, f);
      }
      splits[f] = new Split[thresholds.length];
      for (int s = 0; s < thresholds.length; s++) {
        splits[f][s] = new ContinuousSplit(f, thresholds[s]);
      }
      metadata.setNumSplits(f, thresholds.length);
    }
    return splits;
  }

  /** TreePoint.convertToTreeRDD: each feature's bin (continuous: by threshold; categorical: its value). */
  private static TreePoint[] points(DecisionTreeMetadata metadata, Split[][] splits, Vector[] features,
      double[] label, double[] weight) {
    double[][] thresholds = new double[metadata.numFeatures()][];
    for (int f = 0; f < thresholds.length; f++) {
      thresholds[f] = Arrays.stream(splits[f]).mapToDouble(s -> ((ContinuousSplit) s).threshold()).toArray();
    }
    TreePoint[] points = new TreePoint[features.length];
    for (int i = 0; i < features.length; i++) {
      int[] bins = new int[metadata.numFeatures()];
      for (int f = 0; f < bins.length; f++) {
        double v = features[i].apply(f);
        if (metadata.isCategorical(f)) {
          int arity = (Integer) metadata.featureArity().apply(f);
          if (v < 0 || v >= arity) {
            throw new IllegalArgumentException("DecisionTree given invalid data: feature " + f
                + " is categorical with values in {0,...," + (arity - 1) + "}, but a data point gives it value " + v);
          }
          bins[f] = (int) v;
        } else {
          int idx = Arrays.binarySearch(thresholds[f], v);
          bins[f] = idx >= 0 ? idx : -idx - 1;
        }
      }
      points[i] = new TreePoint(label[i], bins, weight[i]);
    }
    return points;
  }

  /**
   * RandomForest.runBagged for one tree without sampling: the nodes waiting to be split are split
   * together (MLlib groups them by memory; a node's split depends only on the rows reaching it),
   * each from its bins' statistics summed per partition and merged, by MLlib's best-split search
   * and leaf rules.
   */
  private static DecisionTreeRegressionModel tree(TreePoint[] points, DecisionTreeMetadata metadata, Split[][] splits,
      List<List<Integer>> partitions) {
    LearningNode root = LearningNode.emptyNode(1);
    List<LearningNode> waiting = new ArrayList<>(List.of(root));
    while (!waiting.isEmpty()) {
      Map<Integer, LearningNode> group = new LinkedHashMap<>();
      waiting.forEach(n -> group.put(n.id(), n));
      waiting.clear();
      Map<Integer, DTStatsAggregator> merged = new LinkedHashMap<>();
      for (List<Integer> part : partitions) {
        Map<Integer, DTStatsAggregator> aggs = new LinkedHashMap<>();
        group.keySet().forEach(id -> aggs.put(id, new DTStatsAggregator(metadata, Option.empty())));
        for (int i : part) {
          TreePoint p = points[i];
          DTStatsAggregator agg = aggs.get(root.predictImpl(p.binnedFeatures(), splits));
          if (agg != null) { // orderedBinSeqOp: regression trees have no unordered features
            for (int f = 0; f < metadata.numFeatures(); f++) {
              agg.update(f, p.binnedFeatures()[f], p.label(), 1, p.weight());
            }
            agg.updateParent(p.label(), 1, p.weight());
          }
        }
        aggs.forEach((id, agg) -> merged.merge(id, agg, DTStatsAggregator::merge));
      }
      for (LearningNode node : group.values()) {
        Tuple2<Split, ImpurityStats> best = RandomForest$.MODULE$.binsToBestSplit(merged.get(node.id()), splits,
            Option.empty(), node);
        ImpurityStats stats = best._2();
        int level = LearningNode.indexToLevel(node.id());
        boolean leaf = stats.gain() <= 0 || level == metadata.maxDepth();
        node.isLeaf_$eq(leaf);
        node.stats_$eq(stats);
        if (!leaf) {
          node.split_$eq(Option.apply(best._1()));
          boolean childIsLeaf = level + 1 == metadata.maxDepth();
          boolean leftLeaf = childIsLeaf || Math.abs(stats.leftImpurity()) < Utils.EPSILON();
          boolean rightLeaf = childIsLeaf || Math.abs(stats.rightImpurity()) < Utils.EPSILON();
          LearningNode left = LearningNode.apply(LearningNode.leftChildIndex(node.id()), leftLeaf,
              ImpurityStats.getEmptyImpurityStats(stats.leftImpurityCalculator()));
          LearningNode right = LearningNode.apply(LearningNode.rightChildIndex(node.id()), rightLeaf,
              ImpurityStats.getEmptyImpurityStats(stats.rightImpurityCalculator()));
          node.leftChild_$eq(Option.apply(left));
          node.rightChild_$eq(Option.apply(right));
          if (!leftLeaf) {
            waiting.add(left);
          }
          if (!rightLeaf) {
            waiting.add(right);
          }
        }
      }
    }
    return new DecisionTreeRegressionModel(root.toNode(true), metadata.numFeatures());
  }
}
