/** The one JSON mapper set-up ({@link io.vigil.json.JsonMappers}), shared by every module that binds or writes JSON trees. */
@NullMarked
package io.vigil.json;

import org.jspecify.annotations.NullMarked;
