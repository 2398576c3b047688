package io.cxlake.churn;

import java.util.Map;

/** The model card as text: what the model was trained on, how it was chosen, how good it is. */
final class ModelCard {
  private ModelCard() {}

  static String text(Map<String, Object> row, ChurnTrainer.Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Churn model card — run %s (%s mode)%n", row.get("run_id"), row.get("mode")));
    sb.append(String.format("  Source:      %s%n", row.get("source")));
    sb.append(String.format("  Label:       %s%n", row.get("label_definition")));
    if (row.get("validation_cutoff") != null) {
      sb.append(String.format("  Cutoffs:     training %s; validation %s (out of time)%n", row.get("training_cutoffs"),
          row.get("validation_cutoff")));
    }
    sb.append(String.format("  Rows:        training %d (churn rate %.3f), validation %d (churn rate %.3f)%n",
        row.get("train_rows"), (Double) row.get("train_churn_rate"), row.get("validation_rows"),
        (Double) row.get("validation_churn_rate")));
    sb.append(String.format("  Features:    %s%n", r.design().all()));
    if (!r.droppedFeatures().isEmpty()) {
      sb.append(String.format("  Left out:    %s (no value in the training rows)%n", r.droppedFeatures()));
    }
    sb.append(String.format("  Candidates:%n"));
    for (ChurnTrainer.Candidate c : r.candidates()) {
      sb.append(String.format("    %-20s %-55s tuning PR-AUC %.4f%s%n", c.spec().family(), c.spec().params(), c.tuningPrAuc(),
          c.validationPrAuc() == null ? "" : String.format("; validation AUC-ROC %.4f, PR-AUC %.4f",
              c.validationAucRoc(), c.validationPrAuc())));
    }
    sb.append(String.format("  Chosen:      %s %s (best validation PR-AUC)%n", r.chosen().family(), r.chosen().params()));
    sb.append(String.format("  Validation:  AUC-ROC %.4f, PR-AUC %.4f, Brier %.4f%n", r.evaluation().aucRoc(),
        r.evaluation().prAuc(), r.evaluation().brier()));
    sb.append(String.format("  Baseline:    %s: AUC-ROC %.4f, PR-AUC %.4f, Brier %.4f%n", row.get("baseline"),
        r.baseline().aucRoc(), r.baseline().prAuc(), r.baseline().brier()));
    sb.append(String.format("  Calibration: Platt, P = sigmoid(%.4f * log-odds %+.4f)%n", r.calibration().slope(),
        r.calibration().intercept()));
    sb.append(String.format("  Lift by decile (1 = riskiest):%n    decile  customers  churn rate  predicted   lift  cum. capture%n"));
    for (ChurnMetrics.Decile d : r.evaluation().deciles()) {
      sb.append(String.format("    %6d %10d %11.3f %10.3f %6.2f %12.1f%%%n", d.decile(), d.customers(), d.observedRate(),
          d.meanPredicted(), d.lift(), d.cumulativeCapturePct()));
    }
    sb.append(String.format("  Model saved: %s", row.get("model_path")));
    return sb.toString();
  }
}
