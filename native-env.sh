# Sourced by ./datamix and the example and benchmark scripts. oneMKL, which PyTorch's CPU build
# calls for its matrix products, is bitwise reproducible from run to run only in its conditional
# numerical reproducibility mode, with a thread count it may not change at run time (Intel oneMKL
# Developer Guide, "Reproducibility Conditions"); without it a resumed run can differ from an
# uninterrupted one in a last bit. A value already set in the environment is kept.
export MKL_CBWR="${MKL_CBWR:-AUTO,STRICT}"
export MKL_DYNAMIC="${MKL_DYNAMIC:-FALSE}"
export OMP_DYNAMIC="${OMP_DYNAMIC:-FALSE}"
