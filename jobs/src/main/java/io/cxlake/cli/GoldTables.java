package io.cxlake.cli;

import io.cxlake.contract.TableContract;
import io.cxlake.metrics.GoldContracts;
import io.cxlake.segment.SegmentContracts;
import java.util.ArrayList;
import java.util.List;

/** Every gold table contract of every stage (the data dictionary and tests iterate this). */
public final class GoldTables {
  private GoldTables() {}

  public static List<TableContract> all() {
    List<TableContract> all = new ArrayList<>(GoldContracts.all());
    all.addAll(SegmentContracts.all());
    all.addAll(io.cxlake.churn.ChurnContracts.all());
    all.addAll(io.cxlake.drivers.DriverContracts.all());
    all.addAll(io.cxlake.text.VoiceContracts.all());
    return all;
  }
}
