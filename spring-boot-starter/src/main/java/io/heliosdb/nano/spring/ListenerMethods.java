package io.heliosdb.nano.spring;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@code @HeliosListener} methods of every bean as it is initialized; the {@link
 * HeliosListenerContainer} starts them once the context is up. Depends on nothing, as a post
 * processor must, to be created before the beans it looks at.
 */
final class ListenerMethods implements BeanPostProcessor {
  private final List<ListenerMethod> found = new CopyOnWriteArrayList<>();

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> type = AopUtils.getTargetClass(bean);
    Map<Method, HeliosListener> annotated =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<HeliosListener>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, HeliosListener.class));
    for (Map.Entry<Method, HeliosListener> e : annotated.entrySet()) {
      // through the proxy, if any, so that @Transactional on the listener applies
      Method callable = AopUtils.selectInvocableMethod(e.getKey(), bean.getClass());
      found.add(new ListenerMethod(bean, beanName, callable, e.getValue()));
    }
    return bean;
  }

  List<ListenerMethod> all() {
    return List.copyOf(found);
  }
}
