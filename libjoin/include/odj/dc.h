/* Umbrella header of the DC library (libodj-dc): everything that talks to a DC. */
#ifndef ODJ_DC_H
#define ODJ_DC_H

#include <odj/locate.h>
#include <odj/odj.h>
#include <odj/prepare.h>

#endif
