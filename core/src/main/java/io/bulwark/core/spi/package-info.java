/** Service interfaces that modules outside core implement (found with {@link java.util.ServiceLoader}). */
package io.bulwark.core.spi;
