package io.cxlake.churn;

import breeze.optimize.CachedDiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import io.cxlake.platform.BreezeDiffFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.BinaryLogisticRegressionTrainingSummaryImpl;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.LogisticRegressionTrainingSummary;
import org.apache.spark.ml.feature.Instance;
import org.apache.spark.ml.feature.InstanceBlock;
import org.apache.spark.ml.feature.InstanceBlock$;
import org.apache.spark.ml.feature.StandardScalerModel$;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.Vectors$;
import org.apache.spark.ml.optim.aggregator.BinaryLogisticBlockAggregator;
import org.apache.spark.ml.optim.loss.L2Regularization;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.stat.MultiClassSummarizer;
import org.apache.spark.ml.stat.Summarizer$;
import org.apache.spark.ml.stat.SummarizerBuffer;
import org.apache.spark.ml.util.MetadataUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A binomial logistic regression fitted on the driver up to {@link DriverInstances#MAX_ROWS}
 * rows: MLlib 4.0's {@code LogisticRegression.train} step for step (the same summaries for standardisation, the
 * same standardised instance blocks and block aggregator for loss and gradient, the same L2
 * term, Breeze's L-BFGS with MLlib's settings, the same start and the same conversion back),
 * giving MLlib's model and summary. In Spark each L-BFGS iteration is one job of a few
 * milliseconds' work; churn fits this model up to seven times per run (two candidates' fits and
 * five Platt calibrations). More rows, or settings this path does not repeat (L1, bounds, an
 * initial model, more than two classes): MLlib's fit in Spark.
 */
final class LogisticCorpus {
  private LogisticCorpus() {}

  private static final breeze.linalg.support.CanCopy<breeze.linalg.DenseVector<Object>> COPY =
      breeze.linalg.DenseVector$.MODULE$.canCopyDenseVector(ClassTag$.MODULE$.Double());

  /** The model {@code lr.fit(rows)} gives, fitted on the driver when it can be. */
  static LogisticRegressionModel fit(LogisticRegression lr, Dataset<Row> rows) {
    if (!repeatable(lr, rows)) {
      return lr.fit(rows);
    }
    DriverInstances collected = DriverInstances.collect(rows, lr.getLabelCol(),
        lr.isDefined(lr.weightCol()) ? lr.getWeightCol() : null, lr.getFeaturesCol(), DriverInstances.MAX_ROWS);
    if (collected == null) {
      return lr.fit(rows);
    }
    List<List<Instance>> partitions = new ArrayList<>();
    for (List<Integer> indices : collected.partitions()) {
      List<Instance> part = new ArrayList<>(indices.size());
      for (int i : indices) {
        part.add(new Instance(collected.label()[i], collected.weight()[i], collected.features()[i]));
      }
      partitions.add(part);
    }
    return train(lr, rows, partitions);
  }

  /** Settings and a schema this path repeats: binomial, intercept, L2 or none, no bounds or initial model. */
  private static boolean repeatable(LogisticRegression lr, Dataset<Row> rows) {
    boolean l1 = lr.getElasticNetParam() != 0.0 && lr.getRegParam() != 0.0;
    Option<Object> declared = MetadataUtils.getNumClasses(rows.schema().apply(lr.getLabelCol()));
    return !l1 && lr.getFitIntercept() && !lr.getFamily().equals("multinomial") && declared.isEmpty()
        && lr.getMaxBlockSizeInMB() == 0.0 && !lr.isSet(lr.lowerBoundsOnCoefficients())
        && !lr.isSet(lr.upperBoundsOnCoefficients()) && !lr.isSet(lr.lowerBoundsOnIntercepts())
        && !lr.isSet(lr.upperBoundsOnIntercepts()) && !lr.isSet(lr.thresholds());
  }

  private static LogisticRegressionModel train(LogisticRegression lr, Dataset<Row> rows, List<List<Instance>> partitions) {
    // Summarizer.getClassificationSummarizers: a (features, labels) summary per partition, merged.
    SummarizerBuffer summary = buffer();
    MultiClassSummarizer labels = new MultiClassSummarizer();
    for (List<Instance> part : partitions) {
      SummarizerBuffer s = buffer();
      MultiClassSummarizer l = new MultiClassSummarizer();
      for (Instance in : part) {
        s.add(in.features(), in.weight());
        l.add(in.label(), in.weight());
      }
      summary = summary.merge(s);
      labels = labels.merge(l);
    }
    double[] histogram = labels.histogram();
    if (histogram.length != 2 || histogram[0] == 0 || histogram[1] == 0) {
      return lr.fit(rows); // one class only: MLlib's constant-label model
    }
    int numFeatures = summary.mean().size();
    double[] featuresMean = summary.mean().toArray();
    double[] featuresStd = summary.std().toArray();

    double regL2 = (1.0 - lr.getElasticNetParam()) * lr.getRegParam();
    Option<L2Regularization> regularization = Option.empty();
    if (regL2 != 0.0) {
      Function1<Object, Object> shouldApply = idx -> (Integer) idx >= 0 && (Integer) idx < numFeatures;
      Function1<Object, Object> std =
          j -> (Integer) j >= 0 && (Integer) j < numFeatures ? featuresStd[(Integer) j] : 0.0;
      regularization = Option.apply(new L2Regularization(regL2, shouldApply,
          lr.getStandardization() ? Option.empty() : Option.apply(std)));
    }
    LBFGS<breeze.linalg.DenseVector<Object>> optimizer =
        new LBFGS<>(lr.getMaxIter(), 10, lr.getTol(), breeze.linalg.DenseVector$.MODULE$.space_Double());

    double[] initial = new double[numFeatures + 1];
    initial[numFeatures] = Math.log(histogram[1] / histogram[0]);

    // trainImpl: standardised instances in blocks, centred (fitWithMean: intercept, no bounds).
    double[] inverseStd = new double[numFeatures];
    double[] scaledMean = new double[numFeatures];
    for (int i = 0; i < numFeatures; i++) {
      inverseStd[i] = featuresStd[i] != 0 ? 1.0 / featuresStd[i] : 0.0;
      scaledMean[i] = inverseStd[i] * featuresMean[i];
    }
    Function1<Vector, Vector> scale =
        StandardScalerModel$.MODULE$.getTransformFunc(new double[0], inverseStd, false, true);
    long maxMemUsage = (long) Math.ceil(InstanceBlock$.MODULE$.DefaultBlockSizeInMB() * 1024L * 1024L);
    List<List<InstanceBlock>> blocks = new ArrayList<>();
    for (List<Instance> part : partitions) {
      List<Instance> scaled = new ArrayList<>(part.size());
      for (Instance in : part) {
        scaled.add(new Instance(in.label(), in.weight(), scale.apply(in.features())));
      }
      blocks.add(new ArrayList<>(CollectionConverters.asJava(InstanceBlock$.MODULE$.blokifyWithMaxMemUsage(
          CollectionConverters.asScala(scaled.iterator()), maxMemUsage).toList())));
    }
    Broadcast<double[]> bcInverseStd = new Local<>(inverseStd, ClassTag$.MODULE$.apply(double[].class));
    Broadcast<double[]> bcScaledMean = new Local<>(scaledMean, ClassTag$.MODULE$.apply(double[].class));
    Loss loss = new Loss(blocks, bcInverseStd, bcScaledMean, regularization);
    // (fitWithMean moves the start by coefficients · scaled means: nothing at coefficients 0)
    scala.collection.Iterator<?> states = optimizer.iterations(
        new CachedDiffFunction<>(BreezeDiffFunction.of(loss, COPY), COPY), new breeze.linalg.DenseVector$mcD$sp(initial));
    List<Double> history = new ArrayList<>();
    FirstOrderMinimizer.State<?, ?, ?> state = null;
    while (states.hasNext()) {
      state = (FirstOrderMinimizer.State<?, ?, ?>) states.next();
      history.add(state.adjustedValue());
    }
    if (state == null) {
      return lr.fit(rows);
    }
    double[] solution = Vectors$.MODULE$.fromBreeze((breeze.linalg.Vector<Object>) state.x()).toArray().clone();
    double back = 0;
    for (int i = 0; i < numFeatures; i++) {
      back += solution[i] * scaledMean[i];
    }
    solution[numFeatures] -= back;

    double[] coefficients = new double[numFeatures];
    for (int i = 0; i < numFeatures; i++) {
      if (featuresStd[i] != 0.0) {
        coefficients[i] = solution[i] / featuresStd[i];
      }
    }
    DenseMatrix matrix = new DenseMatrix(1, numFeatures, coefficients, true);
    Vector intercept = Vectors.dense(new double[] {solution[numFeatures]});
    LogisticRegressionModel model = lr.copyValues(new LogisticRegressionModel(lr.uid(), matrix.compressed(),
        intercept.compressed(), 2, false), ParamMap.empty());
    double[] objective = history.stream().mapToDouble(Double::doubleValue).toArray();
    String weight = !lr.isDefined(lr.weightCol()) ? "weightCol" : lr.getWeightCol();
    scala.Tuple3<?, ?, ?> summaryModel = model.findSummaryModel();
    LogisticRegressionTrainingSummary trainingSummary = new BinaryLogisticRegressionTrainingSummaryImpl(
        ((LogisticRegressionModel) summaryModel._1()).transform(rows), (String) summaryModel._2(),
        (String) summaryModel._3(), lr.getLabelCol(), lr.getFeaturesCol(), weight, objective);
    model.setSummary(Option.apply(trainingSummary));
    // Predictor.fit: the parent and the estimator's params once more
    return lr.copyValues(model.setParent(lr), ParamMap.empty());
  }

  private static SummarizerBuffer buffer() {
    return Summarizer$.MODULE$.createSummarizerBuffer(
        CollectionConverters.asScala(List.of("mean", "std", "count")).toSeq());
  }

  /**
   * RDDLossFunction over the driver's blocks: per partition an aggregator over its blocks,
   * merged in partition order, plus the L2 term.
   */
  private static final class Loss
      implements java.util.function.Function<breeze.linalg.DenseVector<Object>, Tuple2<Object, breeze.linalg.DenseVector<Object>>> {
    private final List<List<InstanceBlock>> blocks;
    private final Broadcast<double[]> inverseStd;
    private final Broadcast<double[]> scaledMean;
    private final Option<L2Regularization> regularization;

    Loss(List<List<InstanceBlock>> blocks, Broadcast<double[]> inverseStd, Broadcast<double[]> scaledMean,
        Option<L2Regularization> regularization) {
      this.blocks = blocks;
      this.inverseStd = inverseStd;
      this.scaledMean = scaledMean;
      this.regularization = regularization;
    }

    @Override
    public Tuple2<Object, breeze.linalg.DenseVector<Object>> apply(breeze.linalg.DenseVector<Object> x) {
      Vector coefficients = Vectors$.MODULE$.fromBreeze(x);
      Broadcast<Vector> bc = new Local<>(coefficients, ClassTag$.MODULE$.apply(Vector.class));
      BinaryLogisticBlockAggregator total = aggregator(bc);
      for (List<InstanceBlock> part : blocks) {
        BinaryLogisticBlockAggregator agg = aggregator(bc);
        for (InstanceBlock b : part) {
          agg.add(b);
        }
        total.merge(aggregator(bc).merge(agg));
      }
      Vector gradient = total.gradient();
      double regLoss = 0;
      if (regularization.isDefined()) {
        Tuple2<Object, Vector> reg = regularization.get().calculate(coefficients);
        org.apache.spark.ml.linalg.BLAS$.MODULE$.axpy(1.0, reg._2(), gradient);
        regLoss = (Double) reg._1();
      }
      return new Tuple2<>(total.loss() + regLoss,
          new breeze.linalg.DenseVector$mcD$sp(gradient.toArray().clone()));
    }

    private BinaryLogisticBlockAggregator aggregator(Broadcast<Vector> coefficients) {
      return new BinaryLogisticBlockAggregator(inverseStd, scaledMean, true, true, coefficients);
    }
  }

  /** A value the aggregators read as a broadcast, held on the driver that runs them. */
  private static final class Local<T> extends Broadcast<T> {
    private final T value;

    Local(T value, ClassTag<T> tag) {
      super(0L, tag);
      this.value = value;
    }

    @Override
    public T getValue() {
      return value;
    }

    @Override
    public void doUnpersist(boolean blocking) {}

    @Override
    public void doDestroy(boolean blocking) {}
  }
}
