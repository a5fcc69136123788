/**
 * A manual clock that moves only when told to, for tests of timing rules and trace replay.
 */
@NullMarked
package io.vigil.time;

import org.jspecify.annotations.NullMarked;
