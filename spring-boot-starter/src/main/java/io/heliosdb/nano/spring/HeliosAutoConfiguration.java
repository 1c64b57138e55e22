package io.heliosdb.nano.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.micrometer.HeliosMeterBinder;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * When {@code spring.datasource.url} is a {@code jdbc:heliosdb:} URL: the {@link HeliosDB}, a
 * HikariCP {@link DataSource} over its connections (the same database, so JPA's and JdbcTemplate's
 * commits reach its subscribers), {@link HeliosTemplate}, the {@link HeliosListener} methods, its
 * Micrometer metrics and, with Actuator, a health indicator.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@Conditional(OnHeliosUrl.class)
public class HeliosAutoConfiguration {
  /** The executor {@code @HeliosListener} methods run on unless they name another. */
  public static final String LISTENER_EXECUTOR = "heliosListenerExecutor";

  @Bean
  @ConditionalOnMissingBean
  public HeliosMeterBinder heliosMeterBinder() {
    return new HeliosMeterBinder();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HeliosDB heliosDB(
      @Value("${spring.datasource.url}") String url, Environment env, HeliosMeterBinder metrics) {
    return HeliosDB.open(HeliosSettings.read(url, env).toBuilder().metrics(metrics).build());
  }

  /** Pool settings from {@code spring.datasource.hikari.*}, as Boot's own DataSource takes them. */
  @Bean
  @ConditionalOnMissingBean
  @ConfigurationProperties("spring.datasource.hikari")
  public HikariDataSource dataSource(HeliosDB db) {
    HikariDataSource pool = new HikariDataSource();
    pool.setDataSource(new HeliosDataSource(db));
    pool.setPoolName("heliosdb");
    return pool;
  }

  @Bean
  @ConditionalOnMissingBean
  public HeliosTemplate heliosTemplate(
      HeliosDB db, DataSource dataSource, ObjectProvider<ObjectMapper> json) {
    return new HeliosTemplate(db, dataSource, json.getIfAvailable(JsonMapper::new));
  }

  @Bean
  public static ListenerMethods heliosListenerMethods() {
    return new ListenerMethods();
  }

  @Bean
  public HeliosListenerContainer heliosListenerContainer(
      HeliosDB db, ListenerMethods methods, BeanFactory beans, ObjectProvider<ObjectMapper> json) {
    return new HeliosListenerContainer(db, methods, beans, json.getIfAvailable(JsonMapper::new));
  }

  /** {@code heliosdb.listener.threads} threads (default 2) for the live listeners. */
  @Bean(name = LISTENER_EXECUTOR)
  @ConditionalOnMissingBean(name = LISTENER_EXECUTOR)
  public ThreadPoolTaskExecutor heliosListenerExecutor(
      @Value("${heliosdb.listener.threads:2}") int threads) {
    ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    executor.setCorePoolSize(threads);
    executor.setMaxPoolSize(threads);
    executor.setThreadNamePrefix("heliosdb-listener-");
    return executor;
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "heliosdbHealthIndicator")
    HeliosHealthIndicator heliosdbHealthIndicator(HeliosDB db) {
      return new HeliosHealthIndicator(db);
    }
  }
}
