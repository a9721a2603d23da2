dnl ziplist: the entries of a zip archive, read with libzip (found with pkg-config).
PHP_ARG_ENABLE([ziplist],
  [whether to enable ziplist],
  [AS_HELP_STRING([--enable-ziplist], [Enable ziplist (needs libzip)])],
  [yes])

if test "$PHP_ZIPLIST" != "no"; then
  PKG_CHECK_MODULES([LIBZIP], [libzip >= 1.0])
  PHP_EVAL_INCLINE([$LIBZIP_CFLAGS])
  PHP_EVAL_LIBLINE([$LIBZIP_LIBS], [ZIPLIST_SHARED_LIBADD])
  PHP_SUBST([ZIPLIST_SHARED_LIBADD])
  PHP_NEW_EXTENSION([ziplist], [ziplist.c], [$ext_shared])
fi
