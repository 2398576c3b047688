package io.cxlake.platform;

import io.cxlake.contract.TableContract;
import io.cxlake.core.ConfigSection;
import io.cxlake.core.JobContext;
import io.cxlake.core.Stage;
import io.cxlake.core.StageMemo;
import io.cxlake.core.StageResult;
import io.cxlake.core.TableRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registered stage modules in pipeline order. The order follows from the declarations: a
 * stage comes after every stage that writes a table it reads (a topological sort; among stages
 * free to go, the one registered first; a module declared {@code afterAll}, the report, after all
 * others). A table written by two stages, a read table nobody
 * writes, or a cycle is an error when the registry is built. When stages contribute
 * customer_360 columns, the enrichment step ({@link Customer360Enrichment}) is added last.
 */
public final class StageRegistry {
  private final List<StageModule> registered;
  private final List<StageModule> ordered;
  private final Map<String, StageModule> byName = new LinkedHashMap<>();
  private final List<ConfigSection<?>> sections;

  /**
   * @param modules        the stage modules, in registration order
   * @param otherSections  configuration sections of commands that are not pipeline stages
   */
  public StageRegistry(List<StageModule> modules, List<ConfigSection<?>> otherSections) {
    List<StageModule> all = new ArrayList<>(modules);
    List<CustomerColumn> contributed = modules.stream().flatMap(m -> m.customerColumns().stream()).toList();
    if (!contributed.isEmpty()) {
      all.add(Customer360Enrichment.module(contributed));
    }
    Map<TableRef, String> producer = new LinkedHashMap<>();
    for (StageModule m : all) {
      if (byName.put(m.name(), m) != null) {
        throw new IllegalStateException("stage '" + m.name() + "' is registered twice");
      }
      for (TableRef t : m.writes()) {
        String before = producer.put(t, m.name());
        if (before != null) {
          throw new IllegalStateException(t + " is written by both " + before + " and " + m.name());
        }
      }
    }
    for (StageModule m : all) {
      for (TableRef t : m.reads()) {
        if (!producer.containsKey(t)) {
          throw new IllegalStateException("stage '" + m.name() + "' reads " + t + ", which no registered stage writes");
        }
      }
    }
    this.registered = List.copyOf(all);
    this.ordered = topological(all, producer);
    Set<ConfigSection<?>> s = new LinkedHashSet<>();
    all.forEach(m -> s.addAll(m.config()));
    s.addAll(otherSections);
    this.sections = List.copyOf(s);
  }

  private static List<StageModule> topological(List<StageModule> modules, Map<TableRef, String> producer) {
    Map<String, Set<String>> after = new LinkedHashMap<>();
    for (StageModule m : modules) {
      Set<String> deps = new LinkedHashSet<>();
      for (TableRef t : m.reads()) {
        String p = producer.get(t);
        if (p != null && !p.equals(m.name())) {
          deps.add(p);
        }
      }
      after.put(m.name(), deps);
    }
    List<StageModule> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    while (out.size() < modules.size()) {
      boolean othersDone = modules.stream().allMatch(m -> m.afterAll() || done.contains(m.name()));
      StageModule next = modules.stream().filter(m -> !done.contains(m.name()) && done.containsAll(after.get(m.name()))
          && (othersDone || !m.afterAll())).findFirst().orElse(null);
      if (next == null) {
        List<String> stuck = modules.stream().map(StageModule::name).filter(n -> !done.contains(n)).toList();
        throw new IllegalStateException("the stages " + stuck + " depend on each other in a cycle");
      }
      out.add(next);
      done.add(next.name());
    }
    return List.copyOf(out);
  }

  /** The modules in pipeline order. */
  public List<StageModule> modules() {
    return ordered;
  }

  /** Stage names in pipeline order. */
  public List<String> names() {
    return ordered.stream().map(StageModule::name).toList();
  }

  public StageModule module(String name) {
    StageModule m = byName.get(name);
    if (m == null) {
      throw new IllegalArgumentException("unknown stage '" + name + "' (stages: " + names() + ")");
    }
    return m;
  }

  /** Every configuration section: the stages' and the other commands'. */
  public List<ConfigSection<?>> sections() {
    return sections;
  }

  /**
   * Every gold table contract, in registration order (a stable order for the dictionary);
   * customer_360 with the contributed columns.
   */
  public List<TableContract> contracts() {
    List<TableContract> out = new ArrayList<>();
    for (StageModule m : registered) {
      for (TableContract c : m.contracts()) {
        out.add(c.name().equals(Customer360Enrichment.TARGET) ? Customer360Enrichment.contract(c, customerColumns()) : c);
      }
    }
    return out;
  }

  /** A gold table's contract by name. */
  public TableContract contract(String table) {
    return contracts().stream().filter(c -> c.name().equals(table)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no stage writes gold table '" + table + "'"));
  }

  /**
   * The customer_360 columns the stages contribute, in registration order: the table's column
   * order must not move when the pipeline order does.
   */
  public List<CustomerColumn> customerColumns() {
    return registered.stream().flatMap(m -> m.customerColumns().stream()).toList();
  }

  /** A module's stage, carrying its declared tables for the runner; it runs whenever asked. */
  public Stage stage(String name) {
    return stage(name, false);
  }

  /**
   * A module's stage; {@code mayReuse}: a pipeline run may leave it out when nothing it depends on
   * changed since its last success ({@link StageMemo}).
   */
  private Stage stage(String name, boolean mayReuse) {
    StageModule m = module(name);
    return declared(m, m.factory().apply(this), mayReuse, true);
  }

  /** A stage built by hand (e.g. churn score with a chosen model) with module {@code name}'s declared tables. */
  public Stage declared(String name, Stage stage) {
    return declared(module(name), stage, false, true);
  }

  /**
   * The same for a stage that writes somewhere other than its module declares (the report with
   * --out): its success records no state, so it never stands in for the declared outputs.
   */
  public Stage declaredElsewhere(String name, Stage stage) {
    return declared(module(name), stage, false, false);
  }

  private static Stage declared(StageModule m, Stage stage, boolean mayReuse, boolean recordsState) {
    return new Stage() {
      @Override
      public StageMemo memo(JobContext ctx) {
        return recordsState ? StageSettings.memo(ctx, m, mayReuse) : null;
      }

      @Override
      public String name() {
        return m.name();
      }

      @Override
      public StageResult run(JobContext ctx) {
        return stage.run(ctx);
      }

      @Override
      public List<TableRef> requires() {
        return m.requires();
      }

      @Override
      public List<TableRef> requiresAny() {
        return m.requiresAny();
      }

      @Override
      public List<TableRef> reads() {
        return m.reads();
      }

      @Override
      public List<TableRef> writes() {
        return m.writes();
      }

      @Override
      public Integer compiledFromMb() {
        return m.compiledFromMb();
      }
    };
  }

  /** Every stage in pipeline order; a stage whose inputs did not change since its last success is left out. */
  public List<Stage> pipeline() {
    return plan(names(), true);
  }

  /**
   * The stages to run for {@code run --only} / {@code --from} (both null: all), in pipeline order.
   * The stage named by --only runs; the others may be left out when unchanged.
   */
  public List<Stage> select(String only, String from) {
    if (only != null) {
      checkName("--only", only);
      return plan(List.of(only), false);
    }
    if (from != null) {
      checkName("--from", from);
      List<String> names = names();
      return plan(names.subList(names.indexOf(from), names.size()), true);
    }
    return pipeline();
  }

  private void checkName(String option, String name) {
    if (!byName.containsKey(name)) {
      throw new IllegalArgumentException(option + ": unknown stage '" + name + "' (stages: " + names() + ")");
    }
  }

  /**
   * The named stages in pipeline order, followed by the customer_360 enrichment when one of
   * them writes a table it reads (so customer_360 is complete after any stage command).
   */
  public List<Stage> plan(List<String> names) {
    return plan(names, false);
  }

  private List<Stage> plan(List<String> names, boolean mayReuse) {
    Set<String> chosen = new LinkedHashSet<>(names);
    if (byName.containsKey(Customer360Enrichment.NAME) && !chosen.contains(Customer360Enrichment.NAME)) {
      StageModule enrich = byName.get(Customer360Enrichment.NAME);
      boolean feeds = chosen.stream().map(this::module).anyMatch(m -> m.writes().stream().anyMatch(enrich.reads()::contains)
          || m.contracts().stream().anyMatch(c -> c.name().equals(Customer360Enrichment.TARGET)));
      if (feeds) {
        chosen.add(Customer360Enrichment.NAME);
      }
    }
    List<Stage> out = new ArrayList<>();
    for (StageModule m : ordered) {
      if (chosen.contains(m.name())) {
        out.add(stage(m.name(), mayReuse));
      }
    }
    return out;
  }
}
