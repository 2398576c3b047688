package io.cxlake.core;

/**
 * One top-level section of conf/cxlake.yaml, declared by the package that uses it: its key,
 * the typed record it binds to (snake_case keys, defaults from the packaged conf/cxlake.yaml)
 * and its validation. The {@link ConfigLoader} binds and validates every registered section
 * at start-up; a stage reads its own with {@code ctx.config().get(XConfig.SECTION)}.
 *
 * @param key       the YAML key, e.g. "churn"
 * @param type      the record the section binds to
 * @param validator checks the bound values; reports a bad one with {@link ConfigCheck#fail}
 */
public record ConfigSection<T>(String key, Class<T> type, Validator<T> validator) {

  /** Validation of a bound section. */
  @FunctionalInterface
  public interface Validator<T> {
    void validate(T value, ConfigCheck check);
  }
}
