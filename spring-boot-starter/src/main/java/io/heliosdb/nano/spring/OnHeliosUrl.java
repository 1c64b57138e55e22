package io.heliosdb.nano.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code spring.datasource.url} is a {@code jdbc:heliosdb:} URL. */
final class OnHeliosUrl extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    String url = context.getEnvironment().getProperty("spring.datasource.url");
    return HeliosSettings.isHeliosUrl(url)
        ? ConditionOutcome.match("spring.datasource.url is " + url)
        : ConditionOutcome.noMatch("spring.datasource.url is not a jdbc:heliosdb: URL");
  }
}
