package io.cxlake.platform;

import io.cxlake.contract.TableContract;
import io.cxlake.core.ConfigSection;
import io.cxlake.core.JobContext;
import io.cxlake.core.Stage;
import io.cxlake.core.TableRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The one declaration of a pipeline stage: its name and description (the CLI command and its
 * --help), its configuration sections, the tables it needs (required: missing or empty means
 * skipped; or at least one of a set) and may use (optional), the tables it writes (gold ones
 * with their contracts: the data dictionary and maintenance follow from them), the files it
 * writes instead (the report's pages), the customer_360 columns it contributes, whether it
 * decides itself what to redo ({@code incremental}), and how to build it. The pipeline order
 * follows from reads and writes ({@link StageRegistry}).
 *
 * <pre>{@code
 * public static final StageModule MODULE = StageModule.define("segment", "RFM scores and segments ...")
 *     .config(SegmentationConfig.SECTION)
 *     .requires(TableRef.gold("customer_360"))
 *     .writes(SegmentContracts.CUSTOMER_RFM, SegmentContracts.CUSTOMER_VALUE)
 *     .contributes(CustomerColumn.of("rfm_segment", "string", "...", SegmentContracts.CUSTOMER_RFM, "segment"))
 *     .build(registry -> new SegmentStage());
 * }</pre>
 */
public record StageModule(String name, String description, List<ConfigSection<?>> config, List<TableRef> requires,
    List<TableRef> requiresAny, List<TableRef> optional, List<TableRef> writes, List<TableContract> contracts, List<CustomerColumn> customerColumns,
    boolean afterAll, boolean incremental, Integer compiledFromMb, Function<JobContext, List<String>> writesFiles,
    Function<StageRegistry, Stage> factory) {

  public StageModule {
    config = List.copyOf(config);
    requires = List.copyOf(requires);
    requiresAny = List.copyOf(requiresAny);
    optional = List.copyOf(optional);
    writes = List.copyOf(writes);
    contracts = List.copyOf(contracts);
    customerColumns = List.copyOf(customerColumns);
  }

  /** Every table the stage reads. */
  public List<TableRef> reads() {
    List<TableRef> all = new ArrayList<>(requires);
    all.addAll(requiresAny);
    all.addAll(optional);
    return all;
  }

  public static Builder define(String name, String description) {
    return new Builder(name, description);
  }

  /** Collects a declaration. */
  public static final class Builder {
    private final String name;
    private final String description;
    private final List<ConfigSection<?>> config = new ArrayList<>();
    private final List<TableRef> requires = new ArrayList<>();
    private final List<TableRef> requiresAny = new ArrayList<>();
    private final List<TableRef> optional = new ArrayList<>();
    private final List<TableRef> writes = new ArrayList<>();
    private final List<TableContract> contracts = new ArrayList<>();
    private final List<CustomerColumn> columns = new ArrayList<>();
    private boolean afterAll;
    private boolean incremental;
    private Integer compiledFromMb;
    private Function<JobContext, List<String>> writesFiles = ctx -> List.of();

    private Builder(String name, String description) {
      this.name = name;
      this.description = description;
    }

    public Builder config(ConfigSection<?>... sections) {
      config.addAll(List.of(sections));
      return this;
    }

    public Builder requires(TableRef... tables) {
      requires.addAll(List.of(tables));
      return this;
    }

    public Builder requires(TableContract... gold) {
      return requires(refs(gold));
    }

    /** Tables of which at least one must have rows (the stage is skipped when none has). */
    public Builder requiresAny(TableRef... tables) {
      requiresAny.addAll(List.of(tables));
      return this;
    }

    public Builder optional(TableRef... tables) {
      optional.addAll(List.of(tables));
      return this;
    }

    public Builder optional(TableContract... gold) {
      return optional(refs(gold));
    }

    public Builder writes(TableRef... tables) {
      writes.addAll(List.of(tables));
      return this;
    }

    /** Gold tables written, with their contracts. */
    public Builder writes(TableContract... gold) {
      contracts.addAll(List.of(gold));
      return writes(refs(gold));
    }

    private static TableRef[] refs(TableContract... gold) {
      return Arrays.stream(gold).map(c -> TableRef.gold(c.name())).toArray(TableRef[]::new);
    }

    public Builder contributes(CustomerColumn... cols) {
      columns.addAll(List.of(cols));
      return this;
    }

    /**
     * The stage runs after every other stage of the pipeline, the customer_360 enrichment
     * included (a report of everything the run wrote). It must write no table.
     */
    public Builder afterAll() {
      afterAll = true;
      return this;
    }

    /**
     * The stage decides itself what to redo (new files, new batches, changed rows): a pipeline run
     * always runs it, rather than leaving it out when its input tables are unchanged.
     */
    public Builder incremental() {
      incremental = true;
      return this;
    }

    /**
     * The stage compiles (Spark's code generation) from inputs of {@code mb} on disk, or from
     * {@code runtime.codegen_min_input_mb} when that is smaller ({@link io.cxlake.core.CodegenChoice}).
     * For a stage whose work per input byte is high: 0 (always) for an iterative fit in Spark SQL
     * that evaluates expressions over every row at each step; a few MB for one that expands its
     * rows many times over.
     */
    public Builder compiledFromMb(int mb) {
      compiledFromMb = mb;
      return this;
    }

    /**
     * The files the stage writes (Hadoop URIs, resolved for a run), checked like output tables:
     * a pipeline run may leave the stage out only while they are as its last success left them.
     */
    public Builder writesFiles(Function<JobContext, List<String>> files) {
      writesFiles = files;
      return this;
    }

    public StageModule build(Function<StageRegistry, Stage> factory) {
      if (afterAll && !writes.isEmpty()) {
        throw new IllegalStateException("stage '" + name + "' runs after all stages, so nothing may read what it writes");
      }
      return new StageModule(name, description, config, requires, requiresAny, optional, writes, contracts, columns,
          afterAll, incremental, compiledFromMb, writesFiles, factory);
    }
  }
}
