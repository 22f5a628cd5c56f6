# tms's two dependencies, found the same way by the build tree and by installed consumers.
include(CMakeFindDependencyMacro)
find_dependency(Eigen3 3.4 NO_MODULE)
find_dependency(xsimd)
# Debian's xsimd 8.1 lists `xtl` as a link dependency although no Debian package provides an xtl target and
# xsimd needs xtl only for its optional xtl::xcomplex support; without this, consumers link `-lxtl` and fail.
if(TARGET xsimd AND NOT TARGET xtl)
  get_target_property(_tms_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
  if(_tms_xsimd_links)
    list(REMOVE_ITEM _tms_xsimd_links xtl)
    set_target_properties(xsimd PROPERTIES INTERFACE_LINK_LIBRARIES "${_tms_xsimd_links}")
  endif()
  unset(_tms_xsimd_links)
endif()
