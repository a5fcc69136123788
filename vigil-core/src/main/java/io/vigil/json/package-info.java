/** The one JSON mapper set-up ({@link io.vigil.json.JsonMappers}), shared by every module that binds or writes JSON trees. */
package io.vigil.json;
