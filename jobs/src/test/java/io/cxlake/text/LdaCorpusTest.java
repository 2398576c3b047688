package io.cxlake.text;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import io.cxlake.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.clustering.LDA;
import org.apache.spark.ml.clustering.LDAModel;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * The driver fit is Spark's online LDA, not an approximation of it: on the same texts in the
 * same partitions, MLlib's own fit (the reference) and the driver fit give the same topics, the
 * same learned document concentration and the same topic mix for every text.
 */
class LdaCorpusTest {
  private static final String[][] SUBJECTS = TopicsLayoutTest.SUBJECTS;

  /** 240 texts in three partitions; every tenth has only words outside the vocabulary. */
  private static Dataset<Row> corpus() {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      String[] subject = SUBJECTS[i % 3];
      List<String> words = new ArrayList<>();
      if (i % 10 == 7) {
        words.add("unheard" + i);
      } else {
        for (int w = 0, n = 3 + random.nextInt(5); w < n; w++) {
          words.add(subject[random.nextInt(subject.length)]);
        }
        words.add(SUBJECTS[(i + 1) % 3][random.nextInt(8)]);
      }
      rows.add(RowFactory.create(String.format("T%04d", i), words));
    }
    Dataset<Row> texts = TestSpark.session().createDataFrame(rows, new StructType().add("id", "string")
        .add("words", DataTypes.createArrayType(DataTypes.StringType)));
    return new CountVectorizer().setInputCol("words").setOutputCol("counts").setMinDF(2).fit(texts).transform(texts)
        .repartition(3, col("id")).sortWithinPartitions("id");
  }

  private static LDA lda(int k, long seed, boolean optimizeAlpha) {
    return new LDA().setK(k).setMaxIter(25).setSeed(seed).setOptimizer("online").setSubsamplingRate(1.0)
        .setDocConcentration(new double[] {0.05}).setTopicConcentration(0.01).setFeaturesCol("counts")
        .setOptimizeDocConcentration(optimizeAlpha);
  }

  @Test
  void theDriverFitIsSparksOnlineLda() {
    Dataset<Row> docs = corpus().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      LdaCorpus corpus = LdaCorpus.of(docs, "counts");
      assertTrue(corpus.onDriver());
      assertEquals(240, corpus.size());
      for (LDA lda : List.of(lda(3, 42, true), lda(4, 7, false))) {
        LDAModel spark = lda.fit(docs);
        LDAModel driver = corpus.fit(lda);
        String what = "k " + lda.getK() + " seed " + lda.getSeed();
        Matrix a = spark.topicsMatrix();
        Matrix b = driver.topicsMatrix();
        assertEquals(a.numRows(), b.numRows());
        assertEquals(lda.getK(), b.numCols());
        for (int v = 0; v < a.numRows(); v++) {
          for (int t = 0; t < a.numCols(); t++) {
            assertEquals(a.apply(v, t), b.apply(v, t), 1e-9 * Math.abs(a.apply(v, t)), what + ": λ of term " + v
                + ", topic " + t);
          }
        }
        double[] alphaA = spark.estimatedDocConcentration().toArray();
        double[] alphaB = driver.estimatedDocConcentration().toArray();
        assertArrayEquals(alphaA, alphaB, 1e-9, what + ": learned α");
        if (lda.getOptimizeDocConcentration()) {
          assertNotEquals(0.05, alphaB[0], 1e-6, "α was learned");
        }
        List<Row> mixA = spark.transform(docs).orderBy("id").select("topicDistribution").collectAsList();
        List<Row> mixB = driver.transform(docs).orderBy("id").select("topicDistribution").collectAsList();
        for (int d = 0; d < mixA.size(); d++) {
          assertArrayEquals(((Vector) mixA.get(d).get(0)).toArray(), ((Vector) mixB.get(d).get(0)).toArray(), 1e-9,
              what + ": topic mix of text " + d);
        }
        assertEquals(spark.logLikelihood(docs), driver.logLikelihood(docs), 1e-6, what + ": log likelihood");
      }
    } finally {
      docs.unpersist();
    }
  }
}
