/* gg-procedures.h: the names both GIMP front ends register, and the
 * limits their procedures share.  One list: the GIMP 3 and GIMP 2.10
 * plug-ins must offer the same procedures to scripts. */
#pragma once

#define GG_PROC_GENERATE    "plug-in-gemini-generate"
#define GG_PROC_EDIT        "plug-in-gemini-edit"
#define GG_PROC_REFINE      "plug-in-gemini-refine"
#define GG_PROC_STYLE       "plug-in-gemini-style-transfer"
#define GG_PROC_COMPOSE     "plug-in-gemini-compose"
#define GG_PROC_START_OVER  "plug-in-gemini-forget-conversation"
#define GG_PROC_SET_KEY     "plug-in-gemini-set-key"
#define GG_PROC_FORGET_KEY  "plug-in-gemini-forget-key"
/* GIMP 2.10 only: its positional arguments cannot grow. */
#define GG_PROC_OPTIONS     "plug-in-gemini-set-request-options"

/* Refine without a placed region sends the whole visible image, at most
 * this many pixels on its longer side. */
#define GG_REFINE_MAX_SIDE  2048
