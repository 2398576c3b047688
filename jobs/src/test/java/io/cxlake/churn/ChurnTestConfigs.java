package io.cxlake.churn;

import io.cxlake.core.CxlakeConfig;
import java.util.List;

/** Churn settings for tests. */
final class ChurnTestConfigs {
  private ChurnTestConfigs() {}

  /** The same settings with another candidate grid. */
  static CxlakeConfig.Churn grid(CxlakeConfig.Churn d, List<Double> regParams, List<Integer> depths, int iterations) {
    return new CxlakeConfig.Churn(d.label(), d.horizonDays(), d.activeDays(), d.trainingCutoffs(), d.models(), regParams,
        d.elasticNet(), depths, iterations, d.tuningSample(), d.classWeights(), d.riskBands(), d.features(), d.holdoutFraction(), d.seed());
  }

  /** The same settings with another label definition. */
  static CxlakeConfig.Churn label(CxlakeConfig.Churn d, String label) {
    return new CxlakeConfig.Churn(label, d.horizonDays(), d.activeDays(), d.trainingCutoffs(), d.models(), d.regParams(),
        d.elasticNet(), d.gbtDepths(), d.gbtIterations(), d.tuningSample(), d.classWeights(), d.riskBands(), d.features(),
        d.holdoutFraction(), d.seed());
  }
}
