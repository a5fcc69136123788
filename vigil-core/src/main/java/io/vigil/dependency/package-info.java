/**
 * Dependencies between sources ("the children depend on the parent"): while the parent is MISSING or overdue, its
 * children's ONSETs are held; rules that would close a cycle are refused.
 */
package io.vigil.dependency;
